"""Payment providers behind one interface (base): the built-in sandbox and Alipay. Taking payment for an order is orders/payments.py."""
