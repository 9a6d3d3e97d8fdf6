"""The codec server's tests: a real server on a free port, over each read-model database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parcours.adapters.secret_file import read_secret_file
from parcours.adapters.settings import DECLARED_ROLES, Settings
from parcours.codec.run import running_codec_server
from tests.codec.helpers import Codec
from tests.servers import TEST_KEYRING


@pytest.fixture
def codec_settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings.from_env(
        {
            "PARCOURS_DATA_DIR": str(tmp_path),
            "PARCOURS_READMODEL_URL": db_url,
            "PARCOURS_CODEC_SECRET_FILE": str(tmp_path / "config" / "codec-secret"),
            "PARCOURS_UI_PORT": "8233",
            DECLARED_ROLES: "1",  # the tests' pathways are sent as declared roles
        }
    )


@pytest.fixture
def codec(codec_settings: Settings) -> Iterator[Codec]:
    """The codec server of `codec_settings`, on a port the system picks."""
    with running_codec_server(codec_settings, TEST_KEYRING, port=0) as server:
        secret = read_secret_file(codec_settings.codec_secret_file)
        yield Codec(server.url, secret)
