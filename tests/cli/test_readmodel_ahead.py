"""A read model a newer parcours migrated: a command that opens it says so in one
sentence, in the reader's language (exit 5), rather than ending as a bug (exit 1, "no
revision 0099"), and writes nothing to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, pool, text

from parcours.adapters.readmodel import migrate
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The read model was migrated by a newer parcours (migration 0099)"),
        ("fr", "Le modèle de lecture a été migré par un parcours plus récent (migration 0099)"),
    ],
)
def test_a_newer_read_model_is_refused_in_one_sentence(
    offline_cli: Cli, tmp_path: Path, lang: str, said: str
) -> None:
    url = f"sqlite:///{tmp_path / 'ahead.sqlite'}"
    migrate(url)
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        conn.execute(text("UPDATE readmodel_alembic_version SET version_num = '0099'"))
    engine.dispose()
    result = offline_cli(
        "--lang", lang, "--role", "auditor", "audit", "reads", PARCOURS_READMODEL_URL=url
    )
    assert result.exit_code == ExitCode.UNAVAILABLE, result.output
    assert result.stderr.startswith(said), result.stderr
    assert result.stderr.count("\n") == 1
