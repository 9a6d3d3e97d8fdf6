"""parcours: durable participant pathways for social-insertion programmes."""
