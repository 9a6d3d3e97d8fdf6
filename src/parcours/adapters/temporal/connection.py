"""How every parcours process reaches Temporal: address, namespace, TLS and API key.

The embedded dev server speaks plain gRPC on loopback. A real cluster is reached over
TLS (`PARCOURS_TEMPORAL_TLS=true`, or any of the TLS files set): the server is checked
against `PARCOURS_TEMPORAL_TLS_CA` (else the system's roots), and a client certificate
and key give mutual TLS. `PARCOURS_TEMPORAL_API_KEY` is for services that use keys.
"""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.service import TLSConfig

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.locale import catalogue


class TlsFileError(ValueError):
    """A TLS file named in the settings cannot be used; `str()` is one English sentence,
    the catalogue's `error.tls_file`; `reason` (`missing`, `unreadable`, `not_pem`,
    `unpaired`: `error.tls.<reason>`) lets the CLI say it in French too."""

    def __init__(self, variable: str, path: Path, reason: str) -> None:
        self.variable, self.path, self.reason = variable, path, reason
        english = catalogue("en")
        why = english[f"error.tls.{reason}"]
        super().__init__(english["error.tls_file"].format(variable=variable, path=path, why=why))


def tls_config(settings: Settings) -> TLSConfig | bool:
    """What `Client.connect` needs for TLS: False for plain gRPC."""
    if not settings.temporal_tls:
        return False
    cert = _read("PARCOURS_TEMPORAL_TLS_CERT", settings.temporal_tls_cert)
    key = _read("PARCOURS_TEMPORAL_TLS_KEY", settings.temporal_tls_key)
    if (cert is None) != (key is None):
        missing = "PARCOURS_TEMPORAL_TLS_KEY" if key is None else "PARCOURS_TEMPORAL_TLS_CERT"
        present = settings.temporal_tls_cert or settings.temporal_tls_key
        assert present is not None
        raise TlsFileError(missing, present, "unpaired")
    return TLSConfig(
        server_root_ca_cert=_read("PARCOURS_TEMPORAL_TLS_CA", settings.temporal_tls_ca),
        domain=settings.temporal_tls_server_name or None,
        client_cert=cert,
        client_private_key=key,
    )


async def connect(settings: Settings, keyring: Keyring) -> Client:
    """A client with the encrypting converter, over TLS where the settings ask for it."""
    return await connect_client(settings, data_converter(keyring))


async def connect_client(settings: Settings, converter: DataConverter | None = None) -> Client:
    """A client of the configured service; histories stay encrypted without `converter`."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.namespace,
        data_converter=converter or DataConverter.default,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key or None,
    )


def _read(variable: str, path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TlsFileError(variable, path, "missing") from None
    except OSError:
        raise TlsFileError(variable, path, "unreadable") from None
    if b"-----BEGIN " not in data:
        raise TlsFileError(variable, path, "not_pem")
    return data
