"""Two years of ATP entered after the fact in one sitting tell the same pathway as the same
two years entered live (issue: "entered after the fact", tests).

The story is `two_year_story.STORY`. Live, the pathway is referred now on a dev server with
per-workflow time skipping and each step is sent, without `--on`, when the skipped clock
reaches its offset. After the fact, a pathway referred two years ago gets every step at
once, each with its instant as `--on` (the request's effective instant). Both are then
read by offsets from their own referral (to `ALIGNED`: a live command without a date of
its own is dated when the workflow handles it, a moment after its offset): the timeline's
dates, stage and since, the outcome and the criterion that made it positive, and `audit
at` as it happened on `AUDIT_DAYS`, including what the 13-month rule says a few days before
the hire turned 13 months and after. And neither ends with an open alert whose condition
was met by what is recorded; after the fact none such is raised at all, and what stays
open is what live left open at the exit, less what was no longer true when typed.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.app.client import PathwayClient
from parcours.audit.happened import happened
from parcours.audit.history import fetch_pathway_history
from parcours.audit.recording import Recording, record_of
from parcours.domain.alerts import candidate_alerts
from parcours.domain.outcome import exit_criterion
from parcours.domain.records import Alert, PathwayState
from parcours.domain.vocabulary import AlertRule, AlertStatus, ExitReason, PartnerKind, Role, Stage
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.servers import TEST_KEYRING, start_skipping_server
from tests.support import meta, participant, referral
from tests.workflows.two_year_story import (
    AUDIT_DAYS,
    DAY,
    EXIT_DAY,
    HIRED_DAY,
    HOUR,
    STORY,
)

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
TWO_YEARS = 730 * DAY
SETTLED = 2 * HOUR
"""How long each pathway is left alone after its last step: entries made in one sitting
let the alerts they make due settle for an hour before raising what is still true."""
ALIGNED = timedelta(minutes=10)
"""Offsets are compared to this step: the story's steps are whole hours apart."""
STATE_FIELDS = (
    "stage",
    "stage_since",
    "referred_at",
    "intake_completed_at",
    "eligibility_criteria_met",
    "contract_signed_at",
    "accompaniment_starts_at",
    "french_level",
    "barriers",
    "appointments",
    "consents",
    "job_datings",
    "trainings",
    "missions",
    "last_contact_at",
    "suspended_from",
    "outcome",
    "sessions",
)
"""What the pathway knows of the person's two years (not its alerts: compared apart)."""


@dataclass(frozen=True)
class Run:
    """One way of entering the story: its referral, and what the pathway says after it."""

    t0: datetime
    state: PathwayState
    recording: Recording

    def offset(self, instant: datetime) -> timedelta:
        return round((instant - self.t0) / ALIGNED) * ALIGNED

    def aligned(self, value: Any) -> Any:
        """`value` with every instant (also an ISO string in event details) as an offset."""
        if isinstance(value, datetime):
            return self.offset(value)
        if isinstance(value, str):
            return self._iso_offset(value)
        if isinstance(value, dict):
            return {key: self.aligned(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.aligned(item) for item in value]
        return value

    def _iso_offset(self, text: str) -> str | timedelta:
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            return text
        return text if instant.tzinfo is None else self.offset(instant)

    def told(self, state: PathwayState) -> dict[str, Any]:
        plain = dataclasses.asdict(state)
        return {name: self.aligned(plain[name]) for name in STATE_FIELDS}

    def timeline(self) -> list[tuple[Any, ...]]:
        """What staff recorded, in order, each when it happened (the pathway's own alert
        events are not staff's: compared with the alerts)."""
        return [
            (e.kind, e.stage, self.offset(e.at), self.aligned(e.details), e.reason)
            for e in self.state.timeline
            if e.role is not Role.SYSTEM
        ]

    def at(self, day: int) -> PathwayState:
        """`audit at` as it happened, on `day` at 20:00 after the referral's hour."""
        return happened(self.recording, self.t0 + day * DAY + 20 * HOUR).pathway.state

    def open_alerts(self) -> list[tuple[str, str, timedelta]]:
        return sorted(
            (a.rule.value, a.subject, self.offset(a.due_at))
            for a in self.state.alerts
            if a.status in (AlertStatus.OPEN, AlertStatus.SNOOZED)
        )


async def finish(env: WorkflowEnvironment, pathways: PathwayClient, pid: str, t0: datetime) -> Run:
    """Leave the pathway alone for `SETTLED`, then read it and its history."""
    assert await env.fast_forward(env.client.get_workflow_handle(pid), SETTLED)
    history = await fetch_pathway_history(pathways.temporal, pid)
    recording = await record_of(history, data_converter(TEST_KEYRING))
    return Run(t0, await pathways.state(pid), recording)


async def after_the_fact(env: WorkflowEnvironment, pathways: PathwayClient) -> Run:
    """Referred two years ago; every step typed now, one after the other, with `--on`."""
    t0 = datetime.now(UTC).replace(microsecond=0) - TWO_YEARS
    pid = await pathways.refer(ATP, participant("Ana", "Ferreira"), referral(t0), meta())
    for step in STORY:
        on = t0 + step.offset
        await pathways.execute(
            pid, step.make(on), dataclasses.replace(meta(reason=step.reason), effective_at=on)
        )
    return await finish(env, pathways, pid, t0)


async def live(env: WorkflowEnvironment, pathways: PathwayClient) -> Run:
    """Referred now; each step typed without `--on` when the skipped clock reaches it."""
    t0 = datetime.now(UTC)
    pid = await pathways.refer(ATP, participant(), referral(t0), meta())
    handle = env.client.get_workflow_handle(pid)
    for step in STORY:
        today = t0 + step.offset
        now = await env.get_current_time(handle)
        if today > now:
            assert await env.fast_forward(handle, today - now)
        await pathways.execute(pid, step.make(today), meta(reason=step.reason))
    return await finish(env, pathways, pid, t0)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def runs(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Run, Run]]:
    """The story entered after the fact, then live, on a time-skipping server of its own."""
    folder: Path = tmp_path_factory.mktemp("two-years")
    base = Settings.self_contained(str(folder))
    settings = dataclasses.replace(base, task_queue=f"two-years-{uuid.uuid4().hex[:8]}")
    # The training body is in the directory: telling it of the training succeeds, so no
    # failed notification's alert mixes with the story's.
    with open_store(settings.readmodel_url) as store:
        store.add_partner(
            Partner("GRETA", PartnerKind.TRAINING_BODY, ChannelKind.FILE, str(folder / "greta"))
        )
    env = await start_skipping_server()
    try:
        async with build_worker(env.client, settings, default_activities(settings)):
            pathways = PathwayClient(env.client, settings.task_queue)
            yield await after_the_fact(env, pathways), await live(env, pathways)
    finally:
        await env.shutdown()


async def test_the_story_ends_the_same_entered_after_the_fact_or_live(
    runs: tuple[Run, Run],
) -> None:
    typed, lived = runs
    assert typed.timeline() == lived.timeline()
    # Every event is dated on its step's day and hour, whichever way it was entered.
    when = [timedelta(0)] + [step.offset for step in STORY]
    assert [event[2] for event in typed.timeline()] == when
    assert typed.told(typed.state) == lived.told(lived.state)
    # Contacts came often enough: live, the no-contact rule never fell due.
    assert [a.alert_id for a in lived.state.alerts if a.rule is AlertRule.NO_CONTACT] == []

    for run in runs:
        assert run.state.stage is Stage.EXITED
        assert run.offset(run.state.stage_since) == EXIT_DAY * DAY + 2 * HOUR
        outcome = run.state.outcome
        assert outcome is not None
        assert (outcome.reason, outcome.positive, outcome.criterion) == (
            ExitReason.EMPLOYMENT,
            True,
            0,
        )
        assert outcome.rule_label == "full-time job of at least 13 months"
        assert run.offset(outcome.exited_at) == EXIT_DAY * DAY + 2 * HOUR


async def test_audit_at_answers_the_same_on_every_day_asked(runs: tuple[Run, Run]) -> None:
    typed, lived = runs
    for day in AUDIT_DAYS:
        assert typed.told(typed.at(day)) == lived.told(lived.at(day)), f"day {day}"
    # As it happened, the last day asked is the pathway as it ends.
    for run in runs:
        assert run.told(run.at(AUDIT_DAYS[-1])) == run.told(run.state)
    stages = [typed.at(day).stage for day in AUDIT_DAYS]
    assert {Stage.BARRIER_WORK, Stage.TRAINING, Stage.IN_EMPLOYMENT, Stage.EXITED} <= set(stages)


@pytest.mark.parametrize(("day", "criterion"), [(690, None), (700, 0)])
async def test_the_13_month_rule_holds_on_the_same_day_both_ways(
    runs: tuple[Run, Run], day: int, criterion: int | None
) -> None:
    """Had the person left on `day`: not positive before the permanent job's 13 months,
    positive (the first criterion) after, whichever way the story was entered."""
    assert HIRED_DAY < day < EXIT_DAY
    for run in runs:
        when = run.t0 + day * DAY + 20 * HOUR
        assert exit_criterion(run.at(day), ATP, when) == criterion


def unmet(alerts: list[Alert], run: Run) -> list[str]:
    """Those of `alerts` whose condition what was recorded had met: not implied by the
    pathway's rules as it ends. An exit settles nothing (what was open when the person
    left stays open, to be acknowledged), so an exited pathway is judged in the stage it
    left."""
    judged = run.state
    if judged.stage is Stage.EXITED:
        judged = dataclasses.replace(judged, stage=run.at(EXIT_DAY - 1).stage)
    still = {due.alert_id for due in candidate_alerts(judged, ATP)}
    return [a.alert_id for a in alerts if a.alert_id not in still]


async def test_no_alert_whose_condition_was_met(runs: tuple[Run, Run]) -> None:
    typed, lived = runs
    # Live, the story's days raised alerts (check-ins, reminders, a training and a mission
    # ending, the accompaniment's deadline approaching), most met by what followed.
    assert len(lived.state.alerts) > 10
    for run in runs:
        opened = [a for a in run.state.alerts if a.status is AlertStatus.OPEN]
        assert unmet(opened, run) == []
    # After the fact nothing the story met was raised at all, not even to be resolved.
    assert unmet(typed.state.alerts, typed) == []
    assert set(typed.open_alerts()) <= set(lived.open_alerts())
    # Live keeps open what was still true when the person left (the deadline approaching,
    # and its escalation); after the fact, entered once the person had left, it was no
    # longer true, so never raised.
    left_open = set(lived.open_alerts()) - set(typed.open_alerts())
    assert {rule for rule, _subject, _due in left_open} <= {
        AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING.value,
        AlertRule.ALERT_UNACKNOWLEDGED.value,
    }
    assert all(due < EXIT_DAY * DAY for _rule, _subject, due in left_open)
