"""Run a story for real: its own time-skipping dev server, a worker, a data folder.

The dev server keeps its histories in the data folder's `temporal.sqlite`, the file
`parcours serve` uses, and the key file, read model and outbox are where `parcours serve`
looks for them: once the demo is over, the folder is an embedded service's data folder
(`PARCOURS_DATA_DIR=DIR parcours serve`, then `audit`, `report`, `extract`).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from parcours.activities.lazy_store import LazyStore
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.channels import ChannelKind
from parcours.adapters.logs import configure_logging
from parcours.adapters.readmodel import Partner, Store, open_store
from parcours.adapters.settings import DECLARED_ROLES, Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring, create_key_file
from parcours.app.client import PathwayClient
from parcours.app.partners import add_partner
from parcours.app.report import log_unmasked_read, report_document
from parcours.demos.groups import (
    COORDINATOR,
    STAFF,
    GroupStepFailed,
    check_referral,
    hold_coaching_day,
    hold_jobdating,
    open_session,
    request,
)
from parcours.demos.story import CoachingDay, GroupStep, Person, Step, Story
from parcours.domain.alerts import SETTLING
from parcours.domain.report import Selection
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa

AT_ONCE = 6
"""Pathways entered at the same time: on two cores, more only queues (measured: 12 is slower)."""
PROJECTION_WAIT = 60.0
"""Seconds the read model is given to catch up with the last events."""


class DemoError(Exception):
    """The demo cannot run; the message is one sentence."""


def demo_settings(data: Path) -> Settings:
    """An embedded service's settings for the demo's own folder, and nothing else: its
    throwaway key too, since a demo's people are made up and its folder is its whole
    service (the real service keeps its key file apart, in the config folder)."""
    return Settings.from_env(
        {
            "PARCOURS_DATA_DIR": str(data),
            "PARCOURS_KEY_FILE": str(data / "keys.json"),
            DECLARED_ROLES: "1",  # a demo's staff are made up: roles declared, not signed
        }
    )


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
        async with build_worker(env.client, settings, default_activities(settings, keyring)):
            sealer = PersonSealer(LazyStore(settings.readmodel_url), keyring)
            yield env, PathwayClient(env.client, settings.task_queue, sealer)
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


async def refer(pathways: PathwayClient, store: Store, story: Story, person: Person) -> str:
    """Refer the person (into the story's session, checked as `refer --session` does)."""
    check_referral(store, story, person.referral.referrer)
    programme = get_programme(story.programme)
    return await pathways.refer(programme, person.participant, person.referral, request(STAFF))


async def send(pathways: PathwayClient, pid: str, steps: list[Step]) -> None:
    """Send each step dated on its day, as `--on` dates a staff action."""
    for step in steps:
        await pathways.execute(pid, step.command, request(STAFF, step.at, step.reason))


def before(person: Person, sent: int, until: datetime | None) -> list[Step]:
    """The person's steps from `sent` on that come before `until` (all, when None)."""
    steps = person.steps[sent:]
    if until is None:
        return steps
    return list(itertools.takewhile(lambda step: step.at < until, steps))


async def play(
    env: WorkflowEnvironment,
    pathways: PathwayClient,
    settings: Settings,
    story: Story,
    advance: Callable[[], None],
) -> list[str]:
    """Each person (referred first) sends their steps up to the first group step, which
    then runs; and so on; after the last, each sends the rest and has the pathway's clock
    skipped past the settling hour, so the alerts its entries made due are raised now.
    Between group steps a person's part runs in one slot of `AT_ONCE`, as a whole."""
    gate = asyncio.Semaphore(AT_ONCE)
    sent = [0] * len(story.people)

    async def part(index: int, pid: str, until: datetime | None) -> str:
        person = story.people[index]
        async with gate:
            pid = pid or await refer(pathways, store, story, person)
            steps = before(person, sent[index], until)
            await send(pathways, pid, steps)
            sent[index] += len(steps)
            if until is None:
                await env.fast_forward(env.client.get_workflow_handle(pid), 2 * SETTLING)
        if until is None:
            advance()
        return pid

    ids = [""] * len(story.people)
    with open_store(settings.readmodel_url) as store:
        if story.session is not None:
            open_session(store, story, story.session)
        for group in sorted(story.groups, key=lambda g: g.at):
            ids = list(await asyncio.gather(*(part(i, p, group.at) for i, p in enumerate(ids))))
            await hold(pathways, settings, store, story, group, ids)
        ids = list(await asyncio.gather(*(part(i, p, None) for i, p in enumerate(ids))))
    return ids


async def hold(  # noqa: PLR0917 - the service, then what the group step needs
    pathways: PathwayClient,
    settings: Settings,
    store: Store,
    story: Story,
    group: GroupStep,
    ids: list[str],
) -> None:
    """Run one group step once every earlier step is in; the coaching day reads the
    session's people from the read model, so it waits for the read model first."""
    if isinstance(group, CoachingDay):
        await projected(pathways, settings, ids)
        await hold_coaching_day(pathways, store, story, group)
    else:
        await hold_jobdating(pathways, store, story, group, ids)


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


async def run_story(
    story: Story, data: Path, advance: Callable[[], None], zone: tzinfo = UTC
) -> dict[str, Any]:
    """Drive the story on its own service in `data`; return the report document, its days
    and months on the calendar of `zone` (staff's, as `parcours report` counts them)."""
    settings = demo_settings(data)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_to_folder(settings)
    fill_directory(story, settings)
    async with demo_service(settings) as (env, pathways):
        try:
            ids = await play(env, pathways, settings, story, advance)
        except GroupStepFailed as err:
            raise DemoError(str(err)) from None
        await projected(pathways, settings, ids)
    return read_report(story, settings, zone)


def read_report(story: Story, settings: Settings, zone: tzinfo = UTC) -> dict[str, Any]:
    """The real report from the read model; a coordinator's unmasked read is logged."""
    selection = Selection(story.programme, zone=zone)
    with open_store(settings.readmodel_url) as store:
        doc = report_document(store, selection, unmasked=story.unmasked)
        if story.unmasked:
            log_unmasked_read(store, COORDINATOR, selection)
    return doc
