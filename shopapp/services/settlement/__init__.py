"""Each shop's money with the platform: how it is collected, the platform's commission, the shop's balance and payouts."""
