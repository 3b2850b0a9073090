"""What the shop's own data suggests to the owner and the shopper: product copy, recommendations, restock forecasts."""
