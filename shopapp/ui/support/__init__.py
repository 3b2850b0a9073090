"""The support desk: staff answer shoppers with an AI reply assistant beside them."""
