"""Random command sequences against each programme, time moving forward, with the
pathway's invariants checked after every step:

- the stage is always one of the programme's stages (and the machine agrees);
- a refused command leaves the state exactly as it was, and is refused by the right rule;
- an accepted move was allowed by the table from that stage, every one of its guards
  held, and it reached the table's destination;
- the timeline's sequence numbers strictly increase, one by one;
- every trigger `allowed_triggers()` lists is accepted by `may` for a plausible command
  (reference triggers only when there is something to refer to), and no move trigger it
  leaves out is;
- under the alert rules that follow the pathway (a second machine per programme), no
  open or snoozed alert is one whose condition stopped holding, and no entry is later
  than now.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import asdict, fields
from datetime import datetime, timedelta
from enum import Enum
from typing import ClassVar, get_type_hints

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from parcours.domain import commands as c
from parcours.domain.alerts import due_alerts, follow_pathway, follows_pathway
from parcours.domain.commands import spec_of
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.errors import DomainError, MoveRefused, NotPermitted, UnknownReference
from parcours.domain.events import EVENT_OF_TRIGGER
from parcours.domain.guards import GUARDS, TYPING_VERDICTS, Verdict
from parcours.domain.permissions import PERMISSIONS, REASON_REQUIRED
from parcours.domain.programme import (
    GUARD_NAMES,
    MOVE_TRIGGERS,
    RECORD_TRIGGERS,
    ProgrammeDefinition,
)
from parcours.domain.records import Actor, PathwayState
from parcours.domain.resolution import no_longer_holding
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
    Role,
    Stage,
)
from tests.domain.helpers import (
    ATP,
    DAY,
    ND,
    PARTNER_ACTOR,
    PROGRAMME_IDS,
    PROGRAMMES,
    REASON,
    SYSTEM_ACTOR,
    Expected,
    canonical,
    criteria,
    move_table,
    new_pathway,
    request,
    suspendable,
)
from tests.support import AUDITOR, COORDINATOR, STAFF, T0, meta

ALL_TRIGGERS = sorted(MOVE_TRIGGERS | RECORD_TRIGGERS | {"resume"})
REFERENCE_TRIGGERS = frozenset(
    {
        "work_on_barrier",
        "resolve_barrier",
        "waive_barrier",
        "attend_appointment",
        "miss_appointment",
        "acknowledge_alert",
        "snooze_alert",
    }
)
REFERENCE_RULES = frozenset(
    {"barrier_closed", "appointment_recorded", "alert_acknowledged", "alert_resolved"}
)
ACTORS = st.sampled_from([STAFF] * 12 + [COORDINATOR] * 3 + [PARTNER_ACTOR, AUDITOR, SYSTEM_ACTOR])
REASONS = st.sampled_from([REASON] * 8 + ["", "  "])
LEAVING = frozenset({"exit", "drop_out", "suspend"})
POOLS = st.sampled_from(["progress"] * 5 + ["move", "allowed", "allowed", "any"])
SETTINGS = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def instant(data: st.DataObject, now: datetime) -> datetime:
    """An instant near `now`, mostly a little in the past (recorded after the fact)."""
    return now - timedelta(seconds=data.draw(st.integers(-2 * 86400, 5 * 86400)))


def some_id(data: st.DataObject, known: list[str], unknown: str) -> str:
    return data.draw(st.sampled_from([*known, *known, unknown]))


def draw_command(
    data: st.DataObject,
    trigger: str,
    state: PathwayState,
    programme: ProgrammeDefinition,
    now: datetime,
) -> c.Command:
    """A command for `trigger` with plausible random arguments, valid or not."""
    at = instant(data, now)
    if trigger.startswith("jobdating_"):
        outcome = JobDatingOutcome(trigger.removeprefix("jobdating_"))
        agency = data.draw(st.sampled_from(["", "Adecco", "Randstad"]))
        return c.RecordJobDating(at, outcome, agency)
    if trigger == "complete_intake":
        keys = criteria(programme)
        met = list(keys)
        if data.draw(st.integers(0, 3)) == 0:
            met = data.draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
        return c.CompleteIntake(at, tuple(met))
    if trigger == "enrol_training":
        starts = now + timedelta(days=data.draw(st.integers(-10, 30)))
        lengths = st.one_of(st.integers(-3, 3), st.integers(20, 120), st.integers(600, 900))
        length = timedelta(days=data.draw(lengths), seconds=data.draw(st.integers(-1, 1)))
        paid = data.draw(st.booleans())
        return c.EnrolTraining("Module", "GRETA", starts, starts + length, paid=paid)
    if trigger == "start_mission":
        contract = data.draw(st.sampled_from(list(ContractType)))
        hours = data.draw(st.sampled_from([0, 10, 20, 34.99, 35, 39, 48, 50]))
        days = data.draw(st.one_of(st.none(), st.integers(-3, 500)))
        ends = None if days is None else at + timedelta(days=days)
        return c.StartMission(
            "Adecco", "Entrepôt", at, contract, hours, ends, data.draw(st.booleans())
        )
    if trigger in ("work_on_barrier", "resolve_barrier", "waive_barrier"):
        barrier = some_id(data, [b.barrier_id for b in state.barriers], "b99")
        return {
            "work_on_barrier": c.WorkOnBarrier,
            "resolve_barrier": c.ResolveBarrier,
            "waive_barrier": c.WaiveBarrier,
        }[trigger](barrier)
    if trigger in ("attend_appointment", "miss_appointment"):
        appointment = some_id(data, [a.appointment_id for a in state.appointments], "a99")
        if trigger == "attend_appointment":
            return c.AttendAppointment(appointment)
        return c.MissAppointment(appointment)
    if trigger in ("acknowledge_alert", "snooze_alert"):
        alert = some_id(data, [a.alert_id for a in state.alerts], "no_contact:contact:x")
        if trigger == "acknowledge_alert":
            return c.AcknowledgeAlert(alert)
        return c.SnoozeAlert(alert, now + timedelta(hours=data.draw(st.integers(1, 24 * 20))))
    if trigger == "schedule_appointment":
        return c.ScheduleAppointment(
            now + timedelta(hours=data.draw(st.integers(-48, 24 * 30))),
            data.draw(st.sampled_from(list(AppointmentKind))),
            data.draw(st.sampled_from(list(AppointmentPlace))),
            late_slot=data.draw(st.booleans()),
        )
    if trigger == "give_consent":
        days = data.draw(st.one_of(st.none(), st.integers(1, 400)))
        expires = None if days is None else at + timedelta(days=days)
        return c.GiveConsent(data.draw(st.sampled_from(list(PartnerKind))), at, expires)
    if trigger == "withdraw_consent":
        return c.WithdrawConsent(data.draw(st.sampled_from(list(PartnerKind))), at)
    if trigger == "open_barrier":
        return c.OpenBarrier(
            data.draw(st.sampled_from(list(BarrierKind))), data.draw(st.booleans())
        )
    if trigger == "assess_french":
        return c.AssessFrench(data.draw(st.sampled_from(list(FrenchLevel))))
    if trigger == "exit":
        return c.Exit(data.draw(st.sampled_from(list(ExitReason))), at)
    if trigger == "record_notification_failure":
        key = f"pw-test:{data.draw(st.integers(1, 5))}:referrer"
        return c.RecordNotificationFailure(key, PartnerKind.REFERRER, at)
    if trigger == "reenter":
        return c.ReEnter(f"session-{data.draw(st.integers(1, 9))}", at)
    return built_from_fields(data, spec_of(trigger).command, at)


def built_from_fields(
    data: st.DataObject, command_type: type[c.Command] | None, at: datetime
) -> c.Command:
    """Any other command, drawn from its fields' types: an instant is `at`, a choice one of
    its enum's values, a text a staff id. A command added to the table is thereby fuzzed
    here without a line of this file; one with a field of a new kind says which."""
    assert command_type is not None
    hints = get_type_hints(command_type)
    return command_type(
        **{f.name: drawn(data, hints[f.name], at, f.name) for f in fields(command_type)}
    )


def drawn(data: st.DataObject, kind: object, at: datetime, name: str) -> object:
    if kind is datetime:
        return at
    if kind == datetime | None:
        return data.draw(st.sampled_from([at, None]))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return data.draw(st.sampled_from(list(kind)))
    if kind is str:
        return data.draw(st.sampled_from(["staff-9c2e", "x"]))
    if kind is bool:
        return data.draw(st.booleans())
    raise TypeError(f"teach draw_command how to draw {name}: {kind}")


class PathwayMachine(RuleBasedStateMachine):
    """One random pathway of `programme`; one subclass per shipped programme."""

    programme: ClassVar[ProgrammeDefinition]
    follows: ClassVar[bool] = False
    """Under the alert rules that follow the pathway."""

    def __init__(self) -> None:
        super().__init__()
        programme = self.programme
        self.table = move_table(programme)
        self.now = T0
        self.pathway = new_pathway(programme, T0)
        if self.follows:
            follow_pathway(self.pathway.state, T0)

    @property
    def state(self) -> PathwayState:
        return self.pathway.state

    def expected_row(self, trigger: str) -> Expected | None:
        stage = self.state.stage
        if trigger == "resume":
            left = self.state.suspended_from
            if stage is Stage.SUSPENDED and left in suspendable(self.programme):
                return Expected(left, ())
            return None
        return self.table.get((trigger, stage))

    # -- rules -----------------------------------------------------------------------------

    @rule(seconds=st.integers(0, 12 * 86400))
    def advance_time(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule()
    def raise_due_alerts(self) -> None:
        known = {a.alert_id for a in self.state.alerts}
        events = self.pathway.raise_due_alerts(self.now)
        for event in events:
            assert event.at == self.now
            assert event.kind in ("alert_raised", "alert_reopened")
            if event.kind == "alert_raised":
                assert event.details["alert_id"] not in known
                [alert] = [a for a in self.state.alerts if a.alert_id == event.details["alert_id"]]
                assert alert.due_at <= self.now
        assert due_alerts(self.state, self.programme, self.now) == []
        upcoming = self.pathway.next_alert_at(self.now)
        assert upcoming is None or upcoming > self.now

    @rule(data=st.data())
    def command(self, data: st.DataObject) -> None:
        allowed = self.pathway.allowed_triggers(Role.STAFF)
        moves = [t for t in allowed if t in MOVE_TRIGGERS or t == "resume"]
        progress = [
            t
            for t in moves
            if t not in LEAVING
            and (row := self.expected_row(t)) is not None
            and row.dest is not self.state.stage
        ]
        pools: dict[str, list[str]] = {
            "progress": list(progress),
            "move": list(moves),
            "allowed": list(allowed),
            "any": ALL_TRIGGERS,
        }
        choices = pools[data.draw(POOLS)]
        trigger = data.draw(st.sampled_from(choices or ALL_TRIGGERS))
        actor = data.draw(ACTORS)
        if trigger == "record_notification_failure" and data.draw(st.booleans()):
            actor = SYSTEM_ACTOR
        command = draw_command(data, trigger, self.state, self.programme, self.now)
        assert command.trigger == trigger
        self.attempt(command, actor, data.draw(REASONS))

    def attempt(self, command: c.Command, actor: Actor, reason: str) -> None:
        trigger, state, stage = command.trigger, self.state, self.state.stage
        row = self.expected_row(trigger)
        verdicts: dict[str, Verdict] = {}
        if row is not None:
            pristine = copy.deepcopy(state)
            verdicts = {g: GUARDS[g](pristine, self.programme, command) for g in row.guards}
        snapshot = asdict(state)
        next_seq = state.next_seq
        try:
            event = self.pathway.execute(command, meta(actor, reason), self.now)
        except DomainError as err:
            assert asdict(state) == snapshot
            assert self.pathway.stage is stage
            self.check_refusal(
                err, trigger=trigger, actor=actor, reason=reason, row=row, verdicts=verdicts
            )
            return
        assert trigger in PERMISSIONS[actor.role]
        assert row is not None, f"{trigger} accepted from {stage}"
        assert all(v.ok for v in verdicts.values()), verdicts
        assert state.stage is (stage if row.dest is None else row.dest)
        assert trigger not in REASON_REQUIRED or reason.strip()
        assert event.seq == next_seq
        assert event.kind == EVENT_OF_TRIGGER[trigger]
        assert (event.actor_id, event.role, event.reason) == (actor.actor_id, actor.role, reason)

    def check_refusal(
        self,
        err: DomainError,
        *,
        trigger: str,
        actor: Actor,
        reason: str,
        row: Expected | None,
        verdicts: dict[str, Verdict],
    ) -> None:
        if isinstance(err, NotPermitted):
            assert trigger not in PERMISSIONS[actor.role]
            return
        assert trigger in PERMISSIONS[actor.role]
        if isinstance(err, UnknownReference):
            assert trigger in REFERENCE_TRIGGERS
            return
        assert isinstance(err, MoveRefused)
        if err.rule == "stage":
            assert row is None
            assert err.allowed == self.pathway.allowed_triggers(actor.role)
        elif err.rule in GUARD_NAMES:
            assert row is not None
            assert err.rule in row.guards
            failing = [g for g in row.guards if not verdicts[g].ok]
            assert failing[0] == err.rule
            assert err.message == verdicts[err.rule].why
            slip = verdicts[err.rule].code in TYPING_VERDICTS  # retyped, not another action
            assert err.allowed == (() if slip else self.pathway.allowed_triggers(actor.role))
        elif err.rule == "reason_required":
            assert row is not None
            assert all(v.ok for v in verdicts.values())
            assert trigger in REASON_REQUIRED
            assert not reason.strip()
        else:
            assert err.rule in REFERENCE_RULES
            assert trigger in REFERENCE_TRIGGERS

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def stage_is_one_of_the_programme(self) -> None:
        assert self.state.stage in self.programme.stages
        assert self.pathway.stage is self.state.stage
        assert (self.state.stage is Stage.SUSPENDED) == (
            self.state.suspended_from is not None
        ) or self.state.stage is Stage.EXITED

    @invariant()
    def timeline_is_ordered(self) -> None:
        timeline = self.state.timeline
        seqs = [e.seq for e in timeline]
        assert all(a < b for a, b in itertools.pairwise(seqs))
        assert seqs == list(range(1, len(seqs) + 1))
        assert self.state.next_seq == len(seqs) + 1
        instants = [e.recorded for e in timeline]  # `at` is when it happened: any order
        assert instants == sorted(instants)
        assert timeline[0].kind == "referred"

    @invariant()
    def open_alerts_still_hold(self) -> None:
        if not follows_pathway(self.state):
            return
        assert no_longer_holding(self.state, self.programme) == []
        assert self.state.last_entry_at is not None
        assert self.state.last_entry_at <= self.now

    @invariant()
    def allowed_triggers_are_accepted(self) -> None:
        listed = self.pathway.allowed_triggers(Role.STAFF)
        everyone = self.pathway.allowed_triggers()
        assert set(listed) <= set(everyone)
        assert len(set(listed)) == len(listed)
        for trigger in listed:
            assert self.expected_row(trigger) is not None
            command = canonical(trigger, self.pathway, self.now)
            if command is None:
                assert trigger in REFERENCE_TRIGGERS
                continue
            assert self.pathway.may(command, request(trigger)), trigger
        for trigger in sorted((MOVE_TRIGGERS | {LifecycleTrigger.RESUME}) - set(listed)):
            command = canonical(trigger, self.pathway, self.now)
            assert command is not None
            assert not self.pathway.may(command, request(trigger)), trigger


class AtpMachine(PathwayMachine):
    programme = ATP


class NouveauDepartMachine(PathwayMachine):
    programme = ND


class AtpFollowingMachine(AtpMachine):
    follows = True


class NouveauDepartFollowingMachine(NouveauDepartMachine):
    follows = True


MACHINES: dict[str, type[PathwayMachine]] = {
    ATP.name: AtpMachine,
    ND.name: NouveauDepartMachine,
}
FOLLOWING: dict[str, type[PathwayMachine]] = {
    ATP.name: AtpFollowingMachine,
    ND.name: NouveauDepartFollowingMachine,
}


def test_every_programme_has_a_machine() -> None:
    assert set(MACHINES) == {p.name for p in PROGRAMMES}
    assert all(MACHINES[p.name].programme is p for p in PROGRAMMES)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_random_command_sequences(name: str) -> None:
    run_state_machine_as_test(MACHINES[name], settings=SETTINGS)


@pytest.mark.parametrize("name", sorted(FOLLOWING))
def test_random_command_sequences_with_alerts_following_the_pathway(name: str) -> None:
    run_state_machine_as_test(FOLLOWING[name], settings=SETTINGS)


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_the_machine_reaches_deep_stages(programme: ProgrammeDefinition) -> None:
    """The random walk is not stuck at referral: a scripted walk through the same harness
    reaches employment and exits, with every invariant checked on the way."""
    machine = MACHINES[programme.name]()
    script = [
        c.CompleteIntake(T0, criteria(programme)),
        c.AssessFrench(FrenchLevel.A2),
        *([c.SignContract(T0)] if "contracted" in programme.stages else []),
        c.StartCoaching(T0),
        c.RecordJobDating(T0, JobDatingOutcome.HIRED),
        c.StartMission("Adecco", "Entrepôt", T0, ContractType.TEMP_MISSION, 35, T0 + 30 * DAY),
        c.Exit(ExitReason.EMPLOYMENT, T0 + DAY),
    ]
    for command in script:
        machine.advance_time(3600)
        machine.attempt(command, STAFF, REASON)
        machine.stage_is_one_of_the_programme()
        machine.timeline_is_ordered()
        machine.allowed_triggers_are_accepted()
        machine.raise_due_alerts()
    assert machine.state.stage is Stage.EXITED
    assert machine.state.outcome is not None
    assert machine.state.outcome.reason is ExitReason.EMPLOYMENT
    machine.teardown()
