"""Reaching Temporal over (mutual) TLS, through a real TLS endpoint in front of the dev server.

The dev server speaks plain gRPC only, so the test puts a TLS-terminating TCP proxy in
front of it, with certificates made here: a client with the right CA and certificate
gets through; without its certificate, or trusting another CA, it does not.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.connection import TlsFileError, connect_client, tls_config

pytestmark = [pytest.mark.temporal]
ON_THE_SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _authority(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate, common: str, *, server: bool
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return key, builder.sign(ca_key, hashes.SHA256())


def _pem(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key, ca = _authority("parcours test CA")
    server_key, server = _leaf(ca_key, ca, "localhost", server=True)
    client_key, client = _leaf(ca_key, ca, "parcours-worker", server=False)
    _, other = _authority("some other CA")
    return Pki(
        ca=_pem(ca, folder / "ca.pem"),
        server_cert=_pem(server, folder / "server.pem"),
        server_key=_write_key(server_key, folder / "server.key"),
        client_cert=_pem(client, folder / "client.pem"),
        client_key=_write_key(client_key, folder / "client.key"),
        other_ca=_pem(other, folder / "other-ca.pem"),
    )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


@pytest_asyncio.fixture(loop_scope="session")
async def tls_address(temporal_env: WorkflowEnvironment, pki: Pki) -> AsyncIterator[str]:
    """host:port of a mutual-TLS endpoint that forwards to the plain dev server."""
    upstream_host, _, upstream_port = (
        temporal_env.client.service_client.config.target_host.rpartition(":")
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(pki.ca))
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(upstream_host, int(upstream_port))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    server = await asyncio.start_server(relay, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.close()


def _settings(address: str, **tls: object) -> Settings:
    base = Settings.from_env({"PARCOURS_TEMPORAL_ADDRESS": address})
    return replace(base, temporal_tls=True, temporal_tls_server_name="localhost", **tls)  # type: ignore[arg-type]


@ON_THE_SESSION_LOOP
async def test_mutual_tls_reaches_the_service(tls_address: str, pki: Pki) -> None:
    settings = _settings(
        tls_address,
        temporal_tls_ca=pki.ca,
        temporal_tls_cert=pki.client_cert,
        temporal_tls_key=pki.client_key,
    )
    client = await asyncio.wait_for(connect_client(settings), timeout=20)
    listed = [w async for w in client.list_workflows("WorkflowType = 'NoSuchType'")]
    assert listed == []


@ON_THE_SESSION_LOOP
async def test_without_the_client_certificate_or_the_right_ca_nothing_gets_through(
    tls_address: str, pki: Pki
) -> None:
    for settings in (
        _settings(tls_address, temporal_tls_ca=pki.ca),
        _settings(
            tls_address,
            temporal_tls_ca=pki.other_ca,
            temporal_tls_cert=pki.client_cert,
            temporal_tls_key=pki.client_key,
        ),
    ):
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(connect_client(settings), timeout=20)


def test_tls_files_that_cannot_be_used_are_named(tmp_path: Path, pki: Pki) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes", encoding="utf-8")
    cases = [
        (_settings("x:1", temporal_tls_ca=tmp_path / "none.pem"), "does not exist"),
        (_settings("x:1", temporal_tls_ca=notes), "is not a PEM file"),
        (_settings("x:1", temporal_tls_cert=pki.client_cert), "needs its pair"),
    ]
    for settings, said in cases:
        with pytest.raises(TlsFileError) as caught:
            tls_config(settings)
        assert said in str(caught.value)
    assert tls_config(Settings.from_env({})) is False


def test_tls_is_on_when_a_file_is_named() -> None:
    settings = Settings.from_env({"PARCOURS_TEMPORAL_TLS_CA": "/etc/parcours/ca.pem"})
    assert settings.temporal_tls
    assert settings.temporal_tls_ca == Path("/etc/parcours/ca.pem")
    assert not Settings.from_env({}).temporal_tls
    assert Settings.from_env({"PARCOURS_TEMPORAL_TLS": "true"}).temporal_tls


@pytest.mark.parametrize(("lang", "said"), [("en", "does not exist"), ("fr", "n'existe pas")])
def test_the_cli_names_a_missing_tls_file_in_one_sentence(
    tmp_path: Path, lang: str, said: str
) -> None:
    from typer.testing import CliRunner

    from parcours.adapters.temporal.keys import Keyring
    from parcours.cli.app import build_app
    from parcours.cli.exit_codes import ExitCode

    env = {
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_KEYS": Keyring.generate().to_json(),
        "PARCOURS_TEMPORAL_ADDRESS": "127.0.0.1:1",
        "PARCOURS_TEMPORAL_TLS_CA": str(tmp_path / "ca.pem"),
        "PARCOURS_ACTOR": "staff-1",
        "PARCOURS_CONFIG": str(tmp_path / "none.toml"),
    }
    result = CliRunner().invoke(build_app(lang), ["show", "abcd1234"], env=env)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stderr.strip() == (
        f"PARCOURS_TEMPORAL_TLS_CA {'names' if lang == 'en' else 'désigne'} "
        f"{tmp_path / 'ca.pem'}, {'which' if lang == 'en' else 'qui'} {said}."
    )
