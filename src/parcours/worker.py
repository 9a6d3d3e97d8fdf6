"""The one composition root: settings, client, data converter, adapters and worker.

Tests build the same worker with other adapters through `build_worker`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import signal
from collections.abc import Callable, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from parcours.activities.alerts import AlertActivities, FileAlertChannel
from parcours.activities.notify import NotificationActivities
from parcours.activities.projection import LazyStore, ProjectionActivities
from parcours.channels import SmtpRelay
from parcours.connection import connect_client
from parcours.converter import data_converter
from parcours.keys import Keyring, load_keyring
from parcours.settings import Settings
from parcours.workflows.pathway import ParticipantPathway
from parcours.workflows.registry import ReferralRegistry

PASSED_THROUGH = ("parcours.domain", "transitions", "pydantic", "pydantic_core")
"""Pure modules shared with the sandbox instead of reloaded for every workflow run."""


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
    )


async def connect(settings: Settings, keyring: Keyring) -> Client:
    """A client with the encrypting converter, over TLS where the settings ask for it."""
    return await connect_client(settings, data_converter(keyring))


def smtp_relay(settings: Settings) -> SmtpRelay | None:
    if not settings.smtp_host:
        return None
    return SmtpRelay(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username or None,
        password=settings.smtp_password or None,
    )


def default_activities(settings: Settings) -> list[Callable[..., Any]]:
    """The adapters of a real worker: alert files, the SQL read model, partner channels."""
    alerts = AlertActivities(FileAlertChannel(settings.outbox_dir / "alerts"))
    store = LazyStore(settings.readmodel_url)
    projection = ProjectionActivities(store)
    notify = NotificationActivities(store, smtp_relay(settings))
    return [alerts.deliver_alerts, projection.project_pathway, notify.send_notifications]


def build_worker(
    client: Client,
    settings: Settings,
    activities: Sequence[Callable[..., Any]],
    *,
    max_cached_workflows: int = 1000,
    executor: concurrent.futures.Executor | None = None,
) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ParticipantPathway, ReferralRegistry],
        activities=list(activities),
        activity_executor=executor or concurrent.futures.ThreadPoolExecutor(max_workers=8),
        workflow_runner=workflow_runner(),
        max_cached_workflows=max_cached_workflows,
    )


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set, then let in-flight tasks finish and stop cleanly.

    Without `stop`, SIGTERM or Ctrl-C set it. `parcours serve` passes its own event: it
    handles the signals itself, from before the dev server starts until it has stopped.
    """
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    client = await connect(settings, load_keyring(settings))
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, settings, default_activities(settings), executor=executor)
        async with worker:
            await stop.wait()
