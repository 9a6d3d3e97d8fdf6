"""`parcours codec-pass`, and the codec server as the `temporal` CLI uses it on a real
pathway of the dev server: `temporal workflow show --codec-endpoint --codec-auth`.

A pass is printed for the session's staff id and role, refused to partners; the
`temporal` CLI shows staff the person behind the pathway's payloads, an auditor the same
payloads with the identity masked, and anyone without a pass nothing; each decode is a
read that `parcours audit reads` lists under the pathway."""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.secret_file import read_secret_file
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.app.staff_access import read_pass
from parcours.cli.exit_codes import ExitCode
from parcours.codec.http import CodecServer
from parcours.codec.run import running_codec_server
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import Cli, address_of, refer
from tests.codec.http_client import call
from tests.receivers import free_port
from tests.servers import TEST_KEYRING

pytestmark = pytest.mark.temporal

NAMES = ("Zephyrine", "Quillfeather")
PARCOURS = str(Path(sys.executable).parent / "parcours")


@pytest.fixture
def codec_cli(cli: Cli, tmp_path: Path) -> Cli:
    """`cli`, its codec secret in the test's own config folder."""
    cli.env["PARCOURS_CODEC_SECRET_FILE"] = str(tmp_path / "config" / "codec-secret")
    return cli


@pytest.fixture
def codec_server(codec_cli: Cli, cli_settings: Settings, tmp_path: Path) -> Iterator[CodecServer]:
    settings = replace(
        cli_settings,
        codec_secret_file=Path(codec_cli.env["PARCOURS_CODEC_SECRET_FILE"]),
        namespace="default",
    )
    with running_codec_server(settings, TEST_KEYRING, port=0) as server:
        yield server


def codec_pass(cli: Cli, *args: str) -> str:
    result = cli(*args, "codec-pass")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    return lines[0]


def shown(
    env: WorkflowEnvironment, pid: str, url: str, *auth: str
) -> subprocess.CompletedProcess[str]:
    command = [str(temporal_binary()), "workflow", "show", "-w", pid, "-o", "json"]
    command += ["--address", address_of(env), "--codec-endpoint", url, *auth]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def start_input(result: subprocess.CompletedProcess[str]) -> Any:
    """The pathway's start input as the `temporal` CLI printed it."""
    first = json.loads(result.stdout)["events"][0]["workflowExecutionStartedEventAttributes"]
    payload = first["input"]["payloads"][0]
    return json.loads(base64.b64decode(payload["data"]))


def test_a_pass_is_printed_for_the_session_and_refused_to_partners(
    codec_cli: Cli, codec_server: CodecServer, tmp_path: Path
) -> None:
    secret_file = Path(codec_cli.env["PARCOURS_CODEC_SECRET_FILE"])
    token = codec_pass(codec_cli, "--role", "coordinator")
    found = read_pass(read_secret_file(secret_file), token, datetime.now(UTC))
    assert (found.actor.actor_id, found.actor.role.value) == ("staff-7f3a", "coordinator")
    said = codec_cli("codec-pass", "--hours", "2", "--json")
    assert json.loads(said.stdout)["role"] == "staff"
    hint = codec_cli("--lang", "fr", "codec-pass").stderr
    assert hint.startswith("Laissez-passer de codec pour staff-7f3a (personnel)")

    for lang, start in (
        ("en", "Only auditors, coordinators and staff may"),
        ("fr", "Seuls les auditeurs, les coordinateurs et le personnel peuvent"),
    ):
        partner = codec_cli("--lang", lang, "--role", "partner", "codec-pass")
        assert partner.exit_code == ExitCode.REFUSED
        assert partner.stderr.startswith(start), partner.stderr
        assert partner.stdout == ""
    assert codec_cli("codec-pass", "--hours", "0").exit_code == ExitCode.USAGE
    assert codec_cli("codec-pass", "--hours", "500").exit_code == ExitCode.USAGE
    nobody = codec_cli("codec-pass", PARCOURS_ACTOR="")
    assert nobody.exit_code == ExitCode.USAGE
    missing = codec_cli("codec-pass", PARCOURS_CODEC_SECRET_FILE=str(tmp_path / "none"))
    assert missing.exit_code == ExitCode.KEYS
    assert missing.stderr.startswith("The codec passes' secret"), missing.stderr
    secret_file.chmod(0o644)
    shared = codec_cli("codec-pass")
    assert shared.exit_code == ExitCode.KEYS
    assert "chmod 600" in shared.stderr


def test_the_temporal_cli_sees_payloads_as_the_pass_allows(
    codec_cli: Cli,
    codec_server: CodecServer,
    cli_settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> None:
    pid = refer(codec_cli)
    url = codec_server.url

    staff = shown(temporal_env, pid, url, "--codec-auth", f"Bearer {codec_pass(codec_cli)}")
    assert staff.returncode == 0, staff.stderr
    person = start_input(staff)["participant"]
    assert (person["first_name"], person["last_name"]) == NAMES

    auditor_pass = codec_pass(codec_cli, "--as", "aud-01", "--role", "auditor")
    auditor = shown(temporal_env, pid, url, "--codec-auth", f"Bearer {auditor_pass}")
    assert auditor.returncode == 0, auditor.stderr
    assert start_input(auditor)["participant"]["last_name"] == "[masked]"
    assert not [name for name in NAMES if name in auditor.stdout]

    anonymous = shown(temporal_env, pid, url)
    assert anonymous.returncode != 0
    assert not [name for name in NAMES if name in anonymous.stdout]

    rows = read_log_rows(cli_settings.readmodel_url)
    decodes = [(r["actor_id"], r["pathway_id"]) for r in rows if r["command"] == "codec_decode"]
    assert ("staff-7f3a", pid) in decodes
    assert ("aud-01", pid) in decodes
    assert {actor for actor, _ in decodes} == {"staff-7f3a", "aud-01"}
    listed = codec_cli("--role", "auditor", "audit", "reads", pid, "--json")
    commands = {entry["command"] for entry in json.loads(listed.stdout)["reads"]}
    assert "codec_decode" in commands


def test_the_codec_server_command_serves_until_stopped(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARCOURS_")}
    env |= {
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
        "PARCOURS_CODEC_SECRET_FILE": str(tmp_path / "config" / "codec-secret"),
        "PARCOURS_CONFIG": str(tmp_path / "none.toml"),
        "PARCOURS_LANG": "en",
        "COLUMNS": "400",
    }
    origin = "https://temporal.example.org"
    command = [PARCOURS, "codec-server", "--port", str(port), "--origin", origin]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith(f"Codec server for the Temporal web UI: http://127.0.0.1:{port}")
            assert origin in line
            page = call(f"http://127.0.0.1:{port}/")
            assert (page.status, b'name="pass"' in page.body) == (200, True)
            asked = {"Origin": origin, "Access-Control-Request-Method": "POST"}
            preflight = call(f"http://127.0.0.1:{port}/decode", "OPTIONS", headers=asked)
            assert preflight.headers["access-control-allow-origin"] == origin
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            assert process.stdout.read() == "Codec server stopped.\n"
        finally:
            if process.poll() is None:
                process.kill()
    assert stat.S_IMODE((tmp_path / "config" / "codec-secret").stat().st_mode) == 0o600
