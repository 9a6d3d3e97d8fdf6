"""With its worker killed, a staff action ends with exit 5 and the request id it used.

Everything is a process, as on a staff machine: `parcours refer`, then the worker is
SIGKILLed, then `parcours contact` waits its answer timeout and says, in one sentence
with no traceback, that the action may still apply, under which request id, and the
command to run to find out. Once a worker runs again, that very command records the
contact once (or says it already was).
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex

import pytest
from temporalio.client import Client

from parcours.adapters.readmodel import Store
from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from tests.processes import Workers, ready, run_cli, worker_env

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

STAFF_ENV = {"PARCOURS_ACTOR": "staff-7f3a", "PARCOURS_ROLE": "staff"}
SHORT_WAIT = {"PARCOURS_ANSWER_TIMEOUT": "3"}
REQUEST_ID = re.compile(r"request id (\S+?)[;,)]")
COMMAND = re.compile(r"`(parcours [^`]*)`")
PERSON = ("--first-name", "Jules", "--last-name", "Faultline", "--birth-date", "1979-11-30")


def contacts(env: dict[str, str], pathway_id: str) -> list[dict[str, object]]:
    shown = run_cli(env, "timeline", pathway_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return [e for e in json.loads(shown.stdout) if e.get("kind") == "contact_recorded"]


async def test_with_no_worker_an_action_ends_with_exit_5_and_its_request_id(
    client: Client, worker_settings: Settings, store: Store, workers: Workers
) -> None:
    env = worker_env(worker_settings, **STAFF_ENV)
    first = workers.start()
    await ready(client, worker_settings.task_queue, first)
    referred = await asyncio.to_thread(
        run_cli, env, "refer", "--programme", "atp-cergy", "--referrer", "CCAS",
        "--reason", "short contracts", *PERSON, "--json",
    )  # fmt: skip
    assert referred.returncode == 0, referred.stderr
    pathway_id = json.loads(referred.stdout)["pathway_id"]
    first.kill()

    sent = await asyncio.to_thread(
        run_cli, {**env, **SHORT_WAIT}, "contact", pathway_id, "--reason", "phoned back"
    )
    said = sent.stderr
    assert sent.returncode == ExitCode.UNAVAILABLE, said
    assert "Traceback" not in said + sent.stdout
    assert "may still apply" in said, said
    request_id = REQUEST_ID.search(said)
    command = COMMAND.search(said)
    assert request_id, said
    assert command, said
    again = shlex.split(command.group(1))[1:]
    assert again[-2:] == ["--request-id", request_id.group(1)], said

    await ready(client, worker_settings.task_queue, workers.start())
    retried = await asyncio.to_thread(run_cli, env, *again)
    assert retried.returncode == 0, retried.stderr
    assert len(await asyncio.to_thread(contacts, env, pathway_id)) == 1
