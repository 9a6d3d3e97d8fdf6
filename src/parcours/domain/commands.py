"""Staff commands: frozen dataclasses, one per thing a person can ask of a pathway.

Each names the trigger of the pathway machine it fires. They are wire formats stored in
workflow histories: add fields with defaults only, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

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


@dataclass(frozen=True)
class Command:
    """Base of every command; `TRIGGER` is the machine trigger it fires."""

    TRIGGER: ClassVar[str] = ""

    @property
    def trigger(self) -> str:
        return self.TRIGGER


@dataclass(frozen=True)
class Refer(Command):
    """Starts a pathway: no personal data here, it travels in the encrypted start input."""

    TRIGGER: ClassVar[str] = "refer"
    referrer: str
    referred_at: datetime
    session: str
    referent: str


@dataclass(frozen=True)
class CompleteIntake(Command):
    TRIGGER: ClassVar[str] = "complete_intake"
    presented_at: datetime
    criteria_met: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssignReferent(Command):
    TRIGGER: ClassVar[str] = "assign_referent"
    referent: str


@dataclass(frozen=True)
class RecordContact(Command):
    TRIGGER: ClassVar[str] = "record_contact"
    contacted_at: datetime


@dataclass(frozen=True)
class AssessFrench(Command):
    TRIGGER: ClassVar[str] = "assess_french"
    level: FrenchLevel


@dataclass(frozen=True)
class OpenBarrier(Command):
    TRIGGER: ClassVar[str] = "open_barrier"
    kind: BarrierKind
    aid_requested: bool = False


@dataclass(frozen=True)
class WorkOnBarrier(Command):
    TRIGGER: ClassVar[str] = "work_on_barrier"
    barrier_id: str


@dataclass(frozen=True)
class ResolveBarrier(Command):
    TRIGGER: ClassVar[str] = "resolve_barrier"
    barrier_id: str


@dataclass(frozen=True)
class WaiveBarrier(Command):
    """A waiver needs a reason: the request's reason is required and recorded."""

    TRIGGER: ClassVar[str] = "waive_barrier"
    barrier_id: str


@dataclass(frozen=True)
class SignContract(Command):
    TRIGGER: ClassVar[str] = "sign_contract"
    signed_at: datetime


@dataclass(frozen=True)
class StartCoaching(Command):
    TRIGGER: ClassVar[str] = "start_coaching"
    started_at: datetime


@dataclass(frozen=True)
class RecordJobDating(Command):
    """The trigger depends on the outcome: each outcome is its own move in the table."""

    held_at: datetime
    outcome: JobDatingOutcome
    agency: str = ""

    @property
    def trigger(self) -> str:
        return f"jobdating_{self.outcome.value}"


@dataclass(frozen=True)
class EnrolTraining(Command):
    TRIGGER: ClassVar[str] = "enrol_training"
    title: str
    provider: str
    starts_at: datetime
    ends_at: datetime
    paid: bool = False
    diploma_module: bool = False


@dataclass(frozen=True)
class CompleteTraining(Command):
    TRIGGER: ClassVar[str] = "complete_training"
    completed_at: datetime


@dataclass(frozen=True)
class DropTraining(Command):
    TRIGGER: ClassVar[str] = "drop_training"
    dropped_at: datetime


@dataclass(frozen=True)
class StartMission(Command):
    TRIGGER: ClassVar[str] = "start_mission"
    agency: str
    employer: str
    starts_at: datetime
    contract_type: ContractType
    weekly_hours: float
    ends_at: datetime | None = None
    sector_hiring: bool = False


@dataclass(frozen=True)
class EndMission(Command):
    TRIGGER: ClassVar[str] = "end_mission"
    ended_at: datetime


@dataclass(frozen=True)
class ScheduleAppointment(Command):
    TRIGGER: ClassVar[str] = "schedule_appointment"
    at: datetime
    kind: AppointmentKind
    place: AppointmentPlace
    late_slot: bool = False


@dataclass(frozen=True)
class AttendAppointment(Command):
    TRIGGER: ClassVar[str] = "attend_appointment"
    appointment_id: str


@dataclass(frozen=True)
class MissAppointment(Command):
    TRIGGER: ClassVar[str] = "miss_appointment"
    appointment_id: str


@dataclass(frozen=True)
class GiveConsent(Command):
    TRIGGER: ClassVar[str] = "give_consent"
    partner_kind: PartnerKind
    given_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True)
class WithdrawConsent(Command):
    TRIGGER: ClassVar[str] = "withdraw_consent"
    partner_kind: PartnerKind
    withdrawn_at: datetime


@dataclass(frozen=True)
class Suspend(Command):
    TRIGGER: ClassVar[str] = "suspend"
    suspended_at: datetime


@dataclass(frozen=True)
class Resume(Command):
    TRIGGER: ClassVar[str] = "resume"
    resumed_at: datetime


@dataclass(frozen=True)
class DropOut(Command):
    TRIGGER: ClassVar[str] = "drop_out"
    noticed_at: datetime


@dataclass(frozen=True)
class ReEnter(Command):
    TRIGGER: ClassVar[str] = "reenter"
    session: str
    reentered_at: datetime


@dataclass(frozen=True)
class Exit(Command):
    TRIGGER: ClassVar[str] = "exit"
    reason: ExitReason
    exited_at: datetime


@dataclass(frozen=True)
class AcknowledgeAlert(Command):
    TRIGGER: ClassVar[str] = "acknowledge_alert"
    alert_id: str


@dataclass(frozen=True)
class SnoozeAlert(Command):
    TRIGGER: ClassVar[str] = "snooze_alert"
    alert_id: str
    until: datetime


@dataclass(frozen=True)
class RecordNotificationFailure(Command):
    """The system reports a notification that a partner could never receive."""

    TRIGGER: ClassVar[str] = "record_notification_failure"
    notification_key: str
    partner_kind: PartnerKind
    failed_at: datetime
    error: str = ""
    details: dict[str, str] = field(default_factory=dict)


STAFF_COMMANDS: tuple[type[Command], ...] = (
    CompleteIntake,
    AssignReferent,
    RecordContact,
    AssessFrench,
    OpenBarrier,
    WorkOnBarrier,
    ResolveBarrier,
    WaiveBarrier,
    SignContract,
    StartCoaching,
    RecordJobDating,
    EnrolTraining,
    CompleteTraining,
    DropTraining,
    StartMission,
    EndMission,
    ScheduleAppointment,
    AttendAppointment,
    MissAppointment,
    GiveConsent,
    WithdrawConsent,
    Suspend,
    Resume,
    DropOut,
    ReEnter,
    Exit,
    AcknowledgeAlert,
    SnoozeAlert,
    RecordNotificationFailure,
)
"""Every command that arrives as a workflow update (Refer starts the workflow instead)."""

JOBDATING_TRIGGERS = tuple(f"jobdating_{o.value}" for o in JobDatingOutcome)
