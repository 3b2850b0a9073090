"""Payment providers behind one interface (base), the built-in sandbox, Alipay, and the service the platform calls."""
