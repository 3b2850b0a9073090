"""店铺装修: the visual store editor at /console/design."""
