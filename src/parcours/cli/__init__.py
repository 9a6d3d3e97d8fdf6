"""cli layer of parcours."""
