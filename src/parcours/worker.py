"""The one composition root: settings, client, data converter, adapters and worker.

`connect` and `workflow_runner` live in light modules of their own (the CLI and replay
need them without the adapters) and are re-exported here.

Tests build the same worker with other adapters through `build_worker`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker, WorkflowRunner

from parcours.activities.alerts import AlertActivities, FileAlertChannel
from parcours.activities.erasure import AnonymisationActivities
from parcours.activities.jobdating import JobDatingActivities
from parcours.activities.lazy_store import LazyStore
from parcours.activities.notify import NotificationActivities
from parcours.activities.person_keys import PersonSealer
from parcours.activities.projection import ProjectionActivities
from parcours.adapters.channels import SmtpRelay
from parcours.adapters.logs import get_logger, route_core_logs
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.connection import connect
from parcours.adapters.temporal.keys import Keyring, load_keyring
from parcours.adapters.temporal.seal import seal_secrets
from parcours.app.actor_check import ActorCheck, ActorInterceptor
from parcours.app.reservations import retire_registries
from parcours.domain.signing import Credential
from parcours.workflows.jobdating import JobDatingWorkflow
from parcours.workflows.pathway import ParticipantPathway
from parcours.workflows.registry import ReferralRegistry
from parcours.workflows.reservation import ReferralReservation
from parcours.workflows.sandbox import PASSED_THROUGH, workflow_runner

__all__ = [
    "PASSED_THROUGH",
    "build_worker",
    "connect",
    "default_activities",
    "run_worker",
    "smtp_relay",
    "workflow_runner",
]


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


def default_activities(
    settings: Settings, keyring: Keyring | None = None
) -> list[Callable[..., Any]]:
    """The adapters of a real worker: alert files, the SQL read model, partner channels.
    `keyring` opens what partner messages carry sealed (read from `settings` if not given)."""
    alerts = AlertActivities(FileAlertChannel(settings.outbox_dir / "alerts"))
    store = LazyStore(settings.readmodel_url)
    projection = ProjectionActivities(store)
    keys: Callable[[], Keyring] = functools.cache(lambda: keyring or load_keyring(settings))
    sealer = PersonSealer(store, keys)
    notify = NotificationActivities(store, smtp_relay(settings), sealer)
    dating = JobDatingActivities(
        notify, None if settings.declared_roles else seals(settings), sealer=sealer
    )
    return [
        alerts.deliver_alerts,
        projection.project_pathway,
        notify.send_notifications,
        dating.send_invitations,
        dating.send_reminders,
        dating.hand_outcome,
        dating.resend,
        AnonymisationActivities(store, sealer, keys).anonymise_person,
    ]


def seals(settings: Settings) -> Callable[[], list[bytes]]:
    """The service's seal secrets, read from the keyring on first use."""
    return functools.cache(lambda: seal_secrets(load_keyring(settings)))


def actor_check(settings: Settings) -> ActorCheck:
    """Who sent a request, checked against the read model's staff credentials; nothing is
    checked in the declared-roles mode (`PARCOURS_DECLARED_ROLES=1`, tests and demos)."""
    if settings.declared_roles:
        return ActorCheck(None)
    store = LazyStore(settings.readmodel_url)
    return ActorCheck(_Credentials(store), seals(settings))


class _Credentials:
    def __init__(self, store: LazyStore) -> None:
        self._store = store

    def credential(self, key_id: str) -> Credential | None:
        return self._store().credential(key_id)


STICKY_TIMEOUT = timedelta(seconds=2)
"""How long a pathway's next task waits for the worker that ran its last one before any
worker takes it. A live worker polls at once; a killed one never does, and at the SDK's
10 s a worker killed every few seconds stalled every pathway it had run (`bench.deliveries`)."""

HEARTBEAT_EVERY = timedelta(seconds=1)
"""Heartbeats reach the server at least this often while a partner message is sent (the
SDK's own pace is 80 % of the 5 s heartbeat timeout: too close for a loaded machine)."""


def build_worker(
    client: Client,
    settings: Settings,
    activities: Sequence[Callable[..., Any]],
    *,
    max_cached_workflows: int | None = None,
    executor: concurrent.futures.Executor | None = None,
    actors: ActorCheck | None = None,
    runner: WorkflowRunner | None = None,
) -> Worker:
    """The worker; `actors` checks who sent each request (by default from `settings`);
    `runner` runs workflow code (by default `workflow_runner`, as replay does); the cache
    holds `settings.worker_cache` runs unless `max_cached_workflows` says."""
    actors = actors or actor_check(settings)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[ParticipantPathway, ReferralRegistry, ReferralReservation, JobDatingWorkflow],
        activities=[*activities, actors.check_referral, actors.check_jobdating],
        interceptors=[ActorInterceptor(actors)],
        activity_executor=executor or concurrent.futures.ThreadPoolExecutor(max_workers=8),
        workflow_runner=runner or workflow_runner(),
        max_cached_workflows=settings.worker_cache
        if max_cached_workflows is None
        else max_cached_workflows,
        sticky_queue_schedule_to_start_timeout=STICKY_TIMEOUT,
        max_heartbeat_throttle_interval=HEARTBEAT_EVERY,
    )


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set, then let in-flight tasks finish and stop cleanly.

    Without `stop`, SIGTERM or Ctrl-C set it. `parcours serve` passes its own event: it
    handles the signals itself, from before the dev server starts until it has stopped.
    The SDK core logs through the process's JSON logging (`route_core_logs`), never as
    text of its own on stdout.
    """
    route_core_logs(logging.getLogger().getEffectiveLevel())
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    keyring = load_keyring(settings)
    client = await connect(settings, keyring)
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        activities = default_activities(settings, keyring)
        worker = build_worker(client, settings, activities, executor=executor)
        async with worker:
            await _retire_registries(client, settings)
            await stop.wait()


async def _retire_registries(client: Client, settings: Settings) -> None:
    """Move referrals off the old per-programme registries (`app.reservations`). On
    failure, referrals go on asking the registry: nothing is missed, it is only slower."""
    log = get_logger("parcours.worker")
    try:
        sealing = None if settings.declared_roles else seals(settings)
        moved = await retire_registries(client, settings.task_queue, sealing)
    except Exception as err:  # noqa: BLE001 - logged; the worker serves all the same
        log.warning("referral registry not retired", error=type(err).__name__)
        return
    if moved:
        log.info("referral registries retired", moved=moved)
