"""activities layer of parcours."""
