"""How parcours reaches the outside world: Temporal, the read model, partner channels,
settings and logs."""
