"""Builders shared by the domain tests: the shipped programmes, their move table read
independently of `pathway.table_of`, plausible commands for any trigger, and a driver
that brings a fresh pathway to any stage with real commands.
"""

from __future__ import annotations

from collections import deque
from dataclasses import MISSING, dataclass, fields
from datetime import datetime, timedelta
from enum import Enum
from typing import get_type_hints

from parcours.domain import commands as c
from parcours.domain.guards import accompaniment_deadline
from parcours.domain.pathway import Pathway
from parcours.domain.permissions import PERMISSIONS, REASON_REQUIRED
from parcours.domain.programme import MOVE_TRIGGERS, ProgrammeDefinition
from parcours.domain.records import Actor, PathwayState, RequestMeta
from parcours.domain.vocabulary import (
    AlertStatus,
    AppointmentKind,
    AppointmentPlace,
    AppointmentStatus,
    BarrierKind,
    BarrierStatus,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
    Role,
    Stage,
)
from parcours.programmes import catalogue, get_programme
from tests.support import STAFF, T0, meta, referral

SECOND = timedelta(seconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

SYSTEM_ACTOR = Actor("parcours", Role.SYSTEM)
PARTNER_ACTOR = Actor("partner-5e1d", Role.PARTNER)
REASON = "discussed with the participant"

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")
PROGRAMMES: tuple[ProgrammeDefinition, ...] = (ATP, ND)
PROGRAMME_IDS = [p.name for p in PROGRAMMES]


def shipped_programmes() -> list[ProgrammeDefinition]:
    return [p for versions in catalogue().values() for p in versions.values()]


# -- the move table, read from the programme data --------------------------------------


@dataclass(frozen=True)
class Expected:
    """What the programme's table says of one trigger from one stage."""

    dest: Stage | None
    guards: tuple[str, ...]


def expand(programme: ProgrammeDefinition, sources: list[str]) -> list[Stage]:
    """A move's sources with `@group` names replaced by the group's stages."""
    found: list[Stage] = []
    for source in sources:
        if source.startswith("@"):
            found.extend(programme.stage_groups[source[1:]])
        else:
            found.append(Stage(source))
    return found


def move_table(programme: ProgrammeDefinition) -> dict[tuple[str, Stage], Expected]:
    """(trigger, source stage) -> destination and guards; the first row wins, as in a
    `transitions` machine."""
    table: dict[tuple[str, Stage], Expected] = {}
    for move in programme.moves:
        for stage in expand(programme, move.source):
            table.setdefault((move.trigger, stage), Expected(move.dest, tuple(move.guards)))
    return table


def suspendable(programme: ProgrammeDefinition) -> list[Stage]:
    return [stage for (trigger, stage) in move_table(programme) if trigger == "suspend"]


FOLLOW_UPS = {
    "work_on_barrier": "barrier",
    "resolve_barrier": "barrier",
    "waive_barrier": "barrier",
    "attend_appointment": "appointment",
    "miss_appointment": "appointment",
    "acknowledge_alert": "alert",
    "snooze_alert": "alert",
    "withdraw_consent": "consent",
}
"""The actions that name something of the pathway: offered only when it holds one open."""


def holds_open(state: PathwayState, thing: str) -> bool:
    """Whether the pathway has an open barrier, a scheduled appointment, an open alert or
    a consent not withdrawn."""
    if thing == "barrier":
        return any(
            b.status in (BarrierStatus.OPEN, BarrierStatus.IN_PROGRESS) for b in state.barriers
        )
    if thing == "appointment":
        return any(a.status is AppointmentStatus.SCHEDULED for a in state.appointments)
    if thing == "consent":
        return any(c.withdrawn_at is None for c in state.consents)
    return any(a.status in (AlertStatus.OPEN, AlertStatus.SNOOZED) for a in state.alerts)


def expected_allowed(
    programme: ProgrammeDefinition, stage: Stage, state: PathwayState, role: Role = Role.STAFF
) -> set[str]:
    """Triggers the table allows from `stage` to `role` when no guard refuses, less the
    follow-ups of what the pathway does not hold."""
    allowed = {t for (t, s) in move_table(programme) if s is stage and t in PERMISSIONS[role]}
    if stage is Stage.SUSPENDED and "resume" in PERMISSIONS[role]:
        allowed.add("resume")
    return {t for t in allowed if t not in FOLLOW_UPS or holds_open(state, FOLLOW_UPS[t])}


def criteria(programme: ProgrammeDefinition) -> tuple[str, ...]:
    return tuple(criterion.key for criterion in programme.eligibility)


# -- commands --------------------------------------------------------------------------


def training_window(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> tuple[datetime, datetime]:
    """A 30-day training that ends within 60 days and never after the accompaniment deadline
    (recorded after the fact when the deadline is already behind)."""
    ends = now + 60 * DAY
    deadline = accompaniment_deadline(state, programme)
    if deadline is not None and ends > deadline:
        ends = deadline
    return ends - 30 * DAY, ends


def canonical(trigger: str, pathway: Pathway, now: datetime) -> c.Command | None:
    """A plausible command for `trigger` that its guards accept, or None when the trigger
    needs a reference (barrier, appointment, alert) the pathway does not hold."""
    state, programme = pathway.state, pathway.programme
    open_barriers = [
        b.barrier_id
        for b in state.barriers
        if b.status not in (BarrierStatus.RESOLVED, BarrierStatus.WAIVED)
    ]
    scheduled = [
        a.appointment_id for a in state.appointments if a.status is AppointmentStatus.SCHEDULED
    ]
    pending = (AlertStatus.OPEN, AlertStatus.SNOOZED)
    alerts = [a.alert_id for a in state.alerts if a.status in pending]
    if trigger.startswith("jobdating_"):
        return c.RecordJobDating(now, JobDatingOutcome(trigger.removeprefix("jobdating_")), "A2I")
    if trigger == "enrol_training":
        starts, ends = training_window(state, programme, now)
        return c.EnrolTraining("Module 1", "GRETA", starts, ends, paid=True)
    if trigger in ("work_on_barrier", "resolve_barrier", "waive_barrier"):
        if not open_barriers:
            return None
        barrier_command = {
            "work_on_barrier": c.WorkOnBarrier,
            "resolve_barrier": c.ResolveBarrier,
            "waive_barrier": c.WaiveBarrier,
        }[trigger]
        return barrier_command(open_barriers[0])
    if trigger in ("attend_appointment", "miss_appointment"):
        if not scheduled:
            return None
        if trigger == "attend_appointment":
            return c.AttendAppointment(scheduled[0])
        return c.MissAppointment(scheduled[0])
    if trigger == "withdraw_consent":  # a consent the pathway holds, not withdrawn yet
        held = [x.partner_kind for x in state.consents if x.withdrawn_at is None]
        return c.WithdrawConsent(held[0] if held else PartnerKind.REFERRER, now)
    if trigger in ("acknowledge_alert", "snooze_alert"):
        if not alerts:
            return None
        if trigger == "acknowledge_alert":
            return c.AcknowledgeAlert(alerts[0])
        return c.SnoozeAlert(alerts[0], now + DAY)
    simple: dict[str, c.Command] = {
        "complete_intake": c.CompleteIntake(now, criteria(programme)),
        "start_mission": c.StartMission(
            "Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, 35, now + 30 * DAY
        ),
        "reenter": c.ReEnter("next-session", now),
        "exit": c.Exit(ExitReason.OTHER, now),
        "assess_french": c.AssessFrench(FrenchLevel.B2),
        "open_barrier": c.OpenBarrier(BarrierKind.MOBILITY),
        "schedule_appointment": c.ScheduleAppointment(
            now + 2 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE
        ),
        "give_consent": c.GiveConsent(PartnerKind.REFERRER, now, now + 365 * DAY),
        "record_notification_failure": c.RecordNotificationFailure(
            "n-1", PartnerKind.REFERRER, now
        ),
    }
    return simple.get(trigger) or from_fields(c.spec_of(trigger).command, now)


def from_fields(command_type: type[c.Command] | None, now: datetime) -> c.Command:
    """Any other command, made from its fields' types: an instant is `now`, a choice its
    enum's first value, a text a staff id; a field with a default keeps it. A command
    added to the table thereby has its canonical form without a line of this file."""
    assert command_type is not None
    hints = get_type_hints(command_type)
    made: dict[str, object] = {}
    for f in fields(command_type):
        if f.default is not MISSING or f.default_factory is not MISSING:
            continue
        made[f.name] = _plain_value(hints[f.name], now, f.name)
    return command_type(**made)


def _plain_value(kind: object, now: datetime, name: str) -> object:
    if kind is datetime:
        return now
    if isinstance(kind, type) and issubclass(kind, Enum):
        return next(iter(kind))
    if kind is str:
        return "staff-9c2e"
    raise TypeError(f"teach canonical() a value for {name}: {kind}")


def request(trigger: str, actor: Actor = STAFF) -> RequestMeta:
    """Request metadata carrying a reason exactly when the trigger needs one."""
    return meta(actor, REASON if trigger in REASON_REQUIRED else "")


def actor_for(trigger: str) -> Actor:
    if trigger == "record_notification_failure":
        return SYSTEM_ACTOR
    if trigger == "assign_referent":
        return Actor("coord-21b9", Role.COORDINATOR)
    return STAFF


# -- driving a pathway -----------------------------------------------------------------


def new_pathway(programme: ProgrammeDefinition, at: datetime = T0) -> Pathway:
    return Pathway.refer(programme, "pw-test", referral(at), meta(), at)


def path_to(programme: ProgrammeDefinition, target: Stage) -> list[str]:
    """The shortest list of move triggers from the initial stage to `target` (breadth first,
    triggers tried in table order so the path is always the same)."""
    table = move_table(programme)
    start = programme.initial_stage
    paths: dict[Stage, list[str]] = {start: []}
    queue: deque[Stage] = deque([start])
    while queue:
        stage = queue.popleft()
        for (trigger, source), expected in table.items():
            if source is not stage or trigger not in MOVE_TRIGGERS or expected.dest is None:
                continue
            if expected.dest not in paths:
                paths[expected.dest] = [*paths[stage], trigger]
                queue.append(expected.dest)
    return paths[target]


def drive_to(
    programme: ProgrammeDefinition,
    target: Stage,
    *,
    french: FrenchLevel | None = FrenchLevel.B2,
    start: datetime = T0,
) -> tuple[Pathway, datetime]:
    """A pathway brought to `target` by real commands, one hour apart, and the next free
    instant. French is assessed at referral unless `french` is None, so that training
    prerequisites hold."""
    pathway = new_pathway(programme, start)
    now = start + HOUR
    if french is not None:
        pathway.execute(c.AssessFrench(french), meta(), now)
        now += HOUR
    for trigger in path_to(programme, target):
        command = canonical(trigger, pathway, now)
        assert command is not None
        pathway.execute(command, request(trigger), now)
        now += HOUR
    assert pathway.state.stage is target
    return pathway, now


BACK = T0 + 40 * DAY
"""When `re_entered`'s person comes back: another month than the referral's."""


def re_entered(pathway_id: str) -> Pathway:
    """An ATP pathway referred and admitted at T0, dropped out the next day, re-entered
    into its session at `BACK` and admitted again then."""
    from tests.samples import ATP_CRITERIA

    pathway = Pathway.refer(ATP, pathway_id, referral(T0), meta(), T0)
    pathway.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0)
    pathway.execute(c.DropOut(T0 + DAY), meta(reason="no news"), T0 + DAY)
    pathway.execute(c.ReEnter("2026-01", BACK), meta(reason="called back"), BACK)
    pathway.execute(c.CompleteIntake(BACK, ATP_CRITERIA), meta(), BACK)
    return pathway
