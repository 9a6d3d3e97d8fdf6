"""Starting the codec server from a process's settings: its secret, keys and read log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import open_store
from parcours.adapters.secret_file import ensure_secret_file
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import codec_endpoint, split_address
from parcours.adapters.temporal.encryption import EncryptionCodec
from parcours.adapters.temporal.keys import Keyring
from parcours.app.staff_access import staff_check
from parcours.codec.http import CodecServer, ui_origins
from parcours.codec.service import CodecService

__all__ = ["codec_endpoint", "codec_host", "running_codec_server"]


def codec_host(settings: Settings) -> str:
    """Where the codec server listens by default: the Temporal address's host (loopback
    for the embedded service)."""
    return split_address(settings.temporal_address)[0]


@contextmanager
def running_codec_server(
    settings: Settings,
    keyring: Keyring,
    lang: str = "en",
    *,
    host: str | None = None,
    port: int | None = None,
    origins: Sequence[str] = (),
) -> Iterator[CodecServer]:
    """The codec server of this service, listening until the block ends.

    The passes' secret is created on first use (mode 0600, in the config folder); the
    read model is opened (and migrated) for the read log. `origins` default to the
    embedded web UI's (`PARCOURS_UI_PORT`)."""
    secret, _ = ensure_secret_file(settings.codec_secret_file)
    host = host or codec_host(settings)
    allowed = list(origins) or ui_origins(host, settings.ui_port)
    with open_store(settings.readmodel_url) as store:
        codec, check = EncryptionCodec(keyring), staff_check(secret)
        sealer = PersonSealer(lambda: store, keyring)
        service = CodecService(codec, check, store, settings.namespace, lang, sealer)
        port = settings.codec_port if port is None else port
        with CodecServer(service, host, port, allowed) as server:
            yield server
