"""The dated events of a pathway as a file gives them, and the staff command each becomes.

One event per row of the events file (or per milestone column of the people file): its
`event` names it (in English or French), `date` says when it happened (the CLI's `--on`),
and the other columns what its command needs. Barriers and appointments named by later
events are found by their kind (the earliest still open) and by when the appointment
takes place, as a spreadsheet would name them; the ids are the pathway's own (b1, a1…).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TypeVar

from parcours.domain import commands as c
from parcours.domain.commands.intake import month_where
from parcours.domain.importing import cells
from parcours.domain.importing.cells import CellFault, Raw
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
)

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Cells:
    """The cells of one event, by column name, read in the file's time zone."""

    values: Mapping[str, Raw]
    zone: tzinfo
    names: cells.Namer = cells.keys_only
    """The values' names the reader's catalogue knows (`cells.choice`)."""

    def given(self, name: str) -> bool:
        return not cells.is_empty(self.values.get(name))

    def text(self, name: str, *, required: bool = False) -> str:
        if required and not self.given(name):
            raise CellFault(name, "missing_value", f"the column {name} needs a value here")
        return cells.text(self.values.get(name))

    def instant(self, name: str) -> datetime:
        self.text(name, required=True)
        return cells.instant(name, self.values[name], self.zone)

    def maybe_instant(self, name: str) -> datetime | None:
        return self.instant(name) if self.given(name) else None

    def choice(self, name: str, kinds: type[E]) -> E:
        return cells.choice(name, self.text(name, required=True), kinds, self.names)

    def flag(self, name: str) -> bool:
        return cells.flag(name, self.values.get(name))

    def number(self, name: str, low: float, high: float) -> float:
        return cells.number(name, self.text(name, required=True), low, high)


@dataclass
class References:
    """The barriers and appointments a person's earlier events opened, in order."""

    barriers: list[tuple[str, BarrierKind, bool]] = field(default_factory=list)
    appointments: list[tuple[str, datetime]] = field(default_factory=list)

    def open_barrier(self, kind: BarrierKind) -> None:
        self.barriers.append((f"b{len(self.barriers) + 1}", kind, False))

    def barrier(self, kind: BarrierKind, *, closing: bool) -> str:
        for index, (barrier_id, known, closed) in enumerate(self.barriers):
            if known is kind and not closed:
                if closing:
                    self.barriers[index] = (barrier_id, known, True)
                return barrier_id
        raise CellFault(
            "kind",
            "no_open_barrier",
            f"no {kind.value} barrier is open by this date; open it with a barrier event first",
            found=kind.value,
        )

    def schedule(self, at: datetime) -> None:
        self.appointments.append((f"a{len(self.appointments) + 1}", at))

    def appointment(self, at: datetime) -> str:
        for appointment_id, known in self.appointments:
            if known == at:
                return appointment_id
        raise CellFault(
            "appointment_at",
            "no_appointment",
            "no appointment at that time was made by this date; "
            "make it with an appointment event first",
        )


Build = Callable[[Cells, datetime, References], c.Command]


def _barrier(cmd: type[c.WorkOnBarrier | c.ResolveBarrier | c.WaiveBarrier]) -> Build:
    closing = cmd is not c.WorkOnBarrier
    return lambda x, at, refs: cmd(refs.barrier(x.choice("kind", BarrierKind), closing=closing))


def _open_barrier(x: Cells, at: datetime, refs: References) -> c.Command:
    kind = x.choice("kind", BarrierKind)
    refs.open_barrier(kind)
    return c.OpenBarrier(kind, aid_requested=x.flag("aid"))


def _training(x: Cells, at: datetime, refs: References) -> c.Command:
    return c.EnrolTraining(
        title=x.text("title", required=True),
        provider=x.text("provider", required=True),
        starts_at=x.maybe_instant("start") or at,
        ends_at=x.instant("until"),
        paid=x.flag("paid"),
        diploma_module=x.flag("diploma_module"),
    )


def _mission(x: Cells, at: datetime, refs: References) -> c.Command:
    return c.StartMission(
        agency=x.text("agency"),
        employer=x.text("employer", required=True),
        starts_at=at,
        contract_type=x.choice("kind", ContractType),
        weekly_hours=x.number("hours", 0.5, 48),
        ends_at=x.maybe_instant("until"),
        sector_hiring=x.flag("sector_hiring"),
    )


def _appointment(x: Cells, at: datetime, refs: References) -> c.Command:
    moment = x.instant("appointment_at")
    refs.schedule(moment)
    return c.ScheduleAppointment(
        moment,
        x.choice("kind", AppointmentKind),
        x.choice("place", AppointmentPlace),
        late_slot=x.flag("late"),
    )


def _outcome(cmd: type[c.AttendAppointment | c.MissAppointment]) -> Build:
    return lambda x, at, refs: cmd(refs.appointment(x.instant("appointment_at")))


KINDS: dict[str, tuple[str, Build]] = {
    "intake": ("accueil", lambda x, at, r: c.CompleteIntake(at, cells.items(x.text("criteria")))),
    "contact": ("contact", lambda x, at, r: c.RecordContact(at)),
    "french": ("francais", lambda x, at, r: c.AssessFrench(x.choice("level", FrenchLevel))),
    "referent": ("referent", lambda x, at, r: c.AssignReferent(x.text("referent", required=True))),
    "barrier": ("frein", _open_barrier),
    "barrier_work": ("frein_travaille", _barrier(c.WorkOnBarrier)),
    "barrier_resolved": ("frein_leve", _barrier(c.ResolveBarrier)),
    "barrier_waived": ("frein_ecarte", _barrier(c.WaiveBarrier)),
    "consent": (
        "consentement",
        lambda x, at, r: c.GiveConsent(x.choice("kind", PartnerKind), at, x.maybe_instant("until")),
    ),
    "consent_withdrawn": (
        "consentement_retire",
        lambda x, at, r: c.WithdrawConsent(x.choice("kind", PartnerKind), at),
    ),
    "contract": ("contrat", lambda x, at, r: c.SignContract(at)),
    "coaching": ("coaching", lambda x, at, r: c.StartCoaching(at)),
    "jobdating": (
        "job_dating",
        lambda x, at, r: c.RecordJobDating(
            at, x.choice("kind", JobDatingOutcome), x.text("agency")
        ),
    ),
    "training": ("formation", _training),
    "training_completed": ("formation_terminee", lambda x, at, r: c.CompleteTraining(at)),
    "training_dropped": ("formation_abandonnee", lambda x, at, r: c.DropTraining(at)),
    "mission": ("mission", _mission),
    "mission_end": ("fin_mission", lambda x, at, r: c.EndMission(at)),
    "appointment": ("rdv", _appointment),
    "appointment_attended": ("rdv_honore", _outcome(c.AttendAppointment)),
    "appointment_missed": ("rdv_manque", _outcome(c.MissAppointment)),
    "suspension": ("suspension", lambda x, at, r: c.Suspend(at)),
    "resumption": ("reprise", lambda x, at, r: c.Resume(at)),
    "dropout": ("decrochage", lambda x, at, r: c.DropOut(at)),
    "reentry": (
        "reentree",
        lambda x, at, r: c.ReEnter(x.text("session") or month_where(at, x.zone), at),
    ),
    "exit": ("sortie", lambda x, at, r: c.Exit(x.choice("kind", ExitReason), at)),
}
"""Each event: its French name, and how its command is built from its cells and date."""

_BY_NAME = {name: name for name in KINDS} | {fr: name for name, (fr, _) in KINDS.items()}


def event_named(written: str) -> str:
    """The event a cell names, in English or French; an unknown one is a fault."""
    name = _BY_NAME.get(written.strip().lower())
    if name is not None:
        return name
    allowed = ", ".join(KINDS)
    raise CellFault(
        "event",
        "unknown_event",
        f"{written!r} is not an event this file may hold: {allowed}",
        found=written,
        allowed=allowed,
    )


def command_of(name: str, x: Cells, refs: References) -> tuple[datetime, c.Command]:
    """When the event happened and the command it becomes."""
    at = x.instant("date")
    return at, KINDS[name][1](x, at, refs)
