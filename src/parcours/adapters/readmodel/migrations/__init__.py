"""Alembic migrations of the read model, run programmatically by
`parcours.adapters.readmodel.migrate`."""
