"""Alembic environment of the read model, configured from code: no alembic.ini.

`parcours.adapters.readmodel.migrate` passes an open connection in `config.attributes`; the
`sqlalchemy.url` main option is the fallback for running Alembic by hand.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from parcours.adapters.readmodel.tables import Base

VERSION_TABLE = "readmodel_alembic_version"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url for the read-model migrations")
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


_main()
