"""From cart to order: the cart, shipping methods, pricing, the quote and placing the order."""
