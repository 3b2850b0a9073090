"""Stock: what is available, the stock ledger every move goes through, back-in-stock alerts."""
