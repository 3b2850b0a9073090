"""The console's marketing centre (营销中心): the hub of activity cards and one module per kind of activity."""
