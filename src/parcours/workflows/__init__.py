"""workflows layer of parcours."""
