"""Run a story for real: its own time-skipping dev server, a worker, a data folder.

The dev server keeps its histories in the data folder's `temporal.sqlite`, the file
`parcours serve` uses, and the key file, read model and outbox are where `parcours serve`
looks for them: once the demo is over, the folder is an embedded service's data folder
(`PARCOURS_DATA_DIR=DIR parcours serve`, then `audit`, `report`, `extract`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.logs import configure_logging
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring, create_key_file
from parcours.app.client import PathwayClient
from parcours.app.partners import add_partner
from parcours.app.report import log_unmasked_read, report_document
from parcours.demos.story import Person, Story
from parcours.domain.alerts import SETTLING
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.report import Selection
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa

STAFF = Actor("demo-staff", Role.STAFF)
COORDINATOR = Actor("demo-coordinator", Role.COORDINATOR)
AT_ONCE = 6
"""Pathways entered at the same time: on two cores, more only queues (measured: 12 is slower)."""
PROJECTION_WAIT = 60.0
"""Seconds the read model is given to catch up with the last events."""


class DemoError(Exception):
    """The demo cannot run; the message is one sentence."""


def demo_settings(data: Path) -> Settings:
    """An embedded service's settings for the demo's own folder, and nothing else."""
    return Settings.from_env({"PARCOURS_DATA_DIR": str(data)})


def check_folder(data: Path) -> None:
    if data.exists() and (not data.is_dir() or any(data.iterdir())):
        raise DemoError(f"{data} is not an empty folder: name a new or an empty folder.")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fill_directory(story: Story, settings: Settings) -> None:
    """The story's partners in the directory, each told through a file in the outbox."""
    with open_store(settings.readmodel_url) as store:
        for entry in story.partners:
            address = str(settings.outbox_dir / "partners" / _slug(entry.name))
            add_partner(store, Partner(entry.name, entry.kind, ChannelKind.FILE, address))


@asynccontextmanager
async def demo_service(
    settings: Settings,
) -> AsyncIterator[tuple[WorkflowEnvironment, PathwayClient]]:
    """A time-skipping dev server on the folder's SQLite file, and the project's worker."""
    keyring = create_key_file(settings.key_file)
    with server_output_to(settings.data_dir / "temporal.log"):
        env = await _start_server(settings, keyring)
    try:
        async with build_worker(env.client, settings, default_activities(settings)):
            yield env, PathwayClient(env.client, settings.task_queue)
    finally:
        await env.shutdown()


async def _start_server(settings: Settings, keyring: Keyring) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        data_converter=data_converter(keyring),
        dev_server_existing_path=str(temporal_binary()),
        dev_server_database_filename=str(settings.temporal_db_file),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
        ],
    )


@contextmanager
def server_output_to(path: Path) -> Iterator[None]:
    """The dev server writes its banner and warnings to the standard output and error it
    inherits: while it starts, both are `path`, so the demo's own output stays clean."""
    sys.stdout.flush()
    sys.stderr.flush()
    kept = {fd: os.dup(fd) for fd in (1, 2)}
    with path.open("ab") as log:
        for fd in kept:
            os.dup2(log.fileno(), fd)
    try:
        yield
    finally:
        for fd, copy in kept.items():
            os.dup2(copy, fd)
            os.close(copy)


def log_to_folder(settings: Settings) -> None:
    """The worker's and the demo's logs (the unmasked read too) in `logs/demo.log`."""
    folder = settings.data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    configure_logging(logging.INFO, (folder / "demo.log").open("a", encoding="utf-8"))


async def enter(
    env: WorkflowEnvironment, pathways: PathwayClient, story: Story, person: Person
) -> str:
    """Refer the person, send every step dated on its day, then skip the pathway's clock
    past the settling hour, so the alerts its entries made due are raised now."""
    programme = get_programme(story.programme)
    meta = RequestMeta(uuid.uuid4().hex, STAFF)
    pid = await pathways.refer(programme, person.participant, person.referral, meta)
    for step in person.steps:
        request = RequestMeta(uuid.uuid4().hex, STAFF, step.reason, effective_at=step.at)
        await pathways.execute(pid, step.command, request)
    await env.fast_forward(env.client.get_workflow_handle(pid), 2 * SETTLING)
    return pid


async def enter_all(
    env: WorkflowEnvironment, pathways: PathwayClient, story: Story, advance: Callable[[], None]
) -> list[str]:
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(person: Person) -> str:
        async with gate:
            pid = await enter(env, pathways, story, person)
        advance()
        return pid

    return list(await asyncio.gather(*(one(person) for person in story.people)))


async def projected(pathways: PathwayClient, settings: Settings, ids: list[str]) -> None:
    """Wait until the read model holds every pathway's last event."""
    deadline = time.monotonic() + PROJECTION_WAIT
    with open_store(settings.readmodel_url) as store:
        while True:
            expected = {pid: (await pathways.state(pid)).next_seq - 1 for pid in ids}
            rows = {r.pathway_id: r.last_seq for r in store.list_participants()}
            if all(rows.get(pid) == seq for pid, seq in expected.items()):
                return
            if time.monotonic() > deadline:
                raise DemoError("The read model did not catch up with the pathways in time.")
            await asyncio.sleep(0.3)


async def run_story(story: Story, data: Path, advance: Callable[[], None]) -> dict[str, Any]:
    """Drive the story on its own service in `data`; return the report document."""
    settings = demo_settings(data)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_to_folder(settings)
    fill_directory(story, settings)
    async with demo_service(settings) as (env, pathways):
        ids = await enter_all(env, pathways, story, advance)
        await projected(pathways, settings, ids)
    return read_report(story, settings)


def read_report(story: Story, settings: Settings) -> dict[str, Any]:
    """The real report from the read model; a coordinator's unmasked read is logged."""
    selection = Selection(story.programme)
    with open_store(settings.readmodel_url) as store:
        doc = report_document(store, selection, unmasked=story.unmasked)
        if story.unmasked:
            log_unmasked_read(store, COORDINATOR, selection)
    return doc
