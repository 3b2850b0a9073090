"""shopapp: a platform on which anyone opens and runs an online shop in minutes."""
