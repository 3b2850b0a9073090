"""The console's marketing centre (营销中心): one page module per kind of activity."""
