"""营销中心 in the console: one module per kind of activity."""
