"""The shop's figures: sales and the console home's numbers."""
