"""What a pathway remembers: plain dataclasses, serialisable by the workflow engine.

They hold no personal data: the participant's identity lives only in the encrypted
workflow input, never here, so the state can be projected and audited freely.
Fields are only ever added with defaults: these are wire formats kept for years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
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

PATHWAY_ID = re.compile(r"pathway-[0-9a-f]{16}")
"""A pathway's id: `pathway-` and 16 hex digits, random, never derived from the person."""


@dataclass(frozen=True)
class Actor:
    """Who acts: an opaque staff identifier and a role, never a person's name."""

    actor_id: str
    role: Role


@dataclass(frozen=True)
class RequestMeta:
    """What every staff request carries besides the command itself."""

    request_id: str
    actor: Actor
    reason: str = ""
    effective_at: datetime | None = None
    """When what the request records happened (`--on`); None: when the command's own date
    says (`contacted_at`), else when it is recorded."""
    key_id: str = ""
    """The staff credential that signed the request (`domain.signing`); empty when unsigned
    (requests recorded before signed actors, or sent in the declared-roles mode)."""
    signed_at: datetime | None = None
    """When the sender signed it: a signature older than `SIGNATURE_MAX_AGE` is refused."""
    signature: str = ""
    """Ed25519 over `domain.signing.signed_text`, base64: kept in the history as proof."""
    handed_by: str = ""
    """The workflow that handed this request on (a job-dating's outcome to a pathway), after
    it checked the staff member's signature on the recording; `seal` proves it was so."""
    seal: str = ""


@dataclass
class Barrier:
    barrier_id: str
    kind: BarrierKind
    status: BarrierStatus
    opened_at: datetime
    closed_at: datetime | None = None
    waiver_reason: str = ""
    aid_requested: bool = False


@dataclass
class Appointment:
    appointment_id: str
    at: datetime
    kind: AppointmentKind
    place: AppointmentPlace
    late_slot: bool = False
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    recorded_at: datetime | None = None


@dataclass
class Consent:
    partner_kind: PartnerKind
    given_at: datetime
    expires_at: datetime | None = None
    withdrawn_at: datetime | None = None

    def valid_at(self, instant: datetime) -> bool:
        if self.withdrawn_at is not None and self.withdrawn_at <= instant:
            return False
        return self.expires_at is None or instant < self.expires_at


@dataclass
class JobDating:
    held_at: datetime
    outcome: JobDatingOutcome
    agency: str = ""


@dataclass
class Training:
    training_id: str
    title: str
    provider: str
    starts_at: datetime
    ends_at: datetime
    paid: bool = False
    diploma_module: bool = False
    completed_at: datetime | None = None
    dropped_at: datetime | None = None


@dataclass
class Mission:
    mission_id: str
    agency: str
    employer: str
    starts_at: datetime
    contract_type: ContractType
    weekly_hours: float
    ends_at: datetime | None = None
    ended_at: datetime | None = None
    sector_hiring: bool = False


@dataclass
class Alert:
    alert_id: str
    rule: AlertRule
    subject: str
    due_at: datetime
    raised_at: datetime
    audience: AlertAudience
    status: AlertStatus = AlertStatus.OPEN
    snoozed_until: datetime | None = None
    handled_by: str = ""
    handled_at: datetime | None = None


@dataclass
class ExitOutcome:
    reason: ExitReason
    positive: bool
    rule_label: str
    """The criterion's English label, as recorded (kept for histories recorded before
    `criterion`); label it from `criterion` instead, in the reader's language."""
    exited_at: datetime
    criterion: int | None = field(default=None, compare=False)
    """Which of the programme's `positive_if_any` criteria held (its index), None when the
    exit was not positive or was recorded before this field existed. Not compared: it
    names what `rule_label` already says, and answers recorded before it lack it, so an
    audit fold of an old history must still agree with them."""


@dataclass
class PathwayEvent:
    """One past-tense fact in the timeline; `details` holds ids, kinds and dates only."""

    seq: int
    kind: str
    at: datetime
    actor_id: str
    role: Role
    reason: str = ""
    stage: Stage = Stage.REFERRED
    details: dict[str, str] = field(default_factory=dict)
    request_id: str = ""
    recorded_at: datetime | None = None
    """When parcours recorded it; `at` is when it happened (its effective instant). None on
    events recorded before the two instants were kept apart: recorded at `at`."""
    key_id: str = ""
    """The staff credential whose signature the request carried; empty when unsigned."""

    @property
    def recorded(self) -> datetime:
        """When it was recorded, for events of every age."""
        return self.at if self.recorded_at is None else self.recorded_at


@dataclass
class AppliedCommand:
    """A command the pathway applied, kept so that a correction can run the pathway again
    without the event it voids: the seq of the event it recorded, the instant it ran at,
    the request, and the command as plain values (`commands.log` encodes and decodes it)."""

    seq: int
    at: datetime
    meta: RequestMeta
    trigger: str
    fields: dict[str, Any] = field(default_factory=dict)
    dated: bool = True
    """Whether it ran with two instants (`Pathway.execute(dated=...)`): `at` is then when it
    was recorded, and the command or the request says when it happened."""


@dataclass
class PathwayState:
    """Everything the pathway knows, enough to continue it anywhere (continue-as-new)."""

    pathway_id: str
    programme: str
    programme_version: int
    stage: Stage
    stage_since: datetime
    referred_at: datetime
    referrer: str
    session: str
    referent: str
    intake_completed_at: datetime | None = None
    eligibility_criteria_met: list[str] = field(default_factory=list)
    contract_signed_at: datetime | None = None
    accompaniment_starts_at: datetime | None = None
    french_level: FrenchLevel | None = None
    barriers: list[Barrier] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    job_datings: list[JobDating] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    suspended_from: Stage | None = None
    last_contact_at: datetime | None = None
    outcome: ExitOutcome | None = None
    timeline: list[PathwayEvent] = field(default_factory=list)
    next_seq: int = 1
    sessions: list[str] = field(default_factory=list)
    applied: list[AppliedCommand] = field(default_factory=list, compare=False)
    """Every command applied since corrections exist, in order (see `AppliedCommand`).
    Not compared: states carried or returned by histories recorded before it lack it, and
    an audit fold of such a history must still agree with them."""
    closed_at: datetime | None = None
    """When the pathway closed for good, at the end of its retention period after exit."""
    alert_rules: int = 1
    """Which alert rules the pathway follows: 1 as first recorded; 2 (`domain.alerts.
    FOLLOWS_PATHWAY`) resolves alerts whose condition stops holding and lets overdue ones
    settle after an entry; 3 (`domain.consent_notice.NOTICE_WITHIN_CONSENT`) besides, a
    consent's expiry notice is never due before the consent, nor raised after the exit.
    Set by the workflow when a run starts, under a patch id each."""
    erased_at: datetime | None = None
    """When the person's identity was erased (`domain.erasure`): the pathway closed then."""
    last_entry_at: datetime | None = None
    """When the pathway last learnt something from a person (the instant it was recorded),
    kept from `alert_rules` 2 on: alerts already due then wait until entries settle."""
    retention_rule: int = 1
    """How the pathway's record ends: 1 as first recorded (an exited pathway closes
    `timers.retention_after_exit_days` after its exit); 2 (`domain.anonymisation.
    BY_LAST_CONTACT`) the person is anonymised months after the last contact; 3
    (`WARNING_FOLLOWS`) besides, the coordinator's warning follows the due date when it
    moves. Set by the workflow, under a patch id."""
    retention_until: datetime | None = None
    """The date a coordinator extended the record's retention to (`retention_extended`)."""
    referred_again_at: datetime | None = None
    """When its person, having exited, was referred again in a new pathway (the new
    referral's date, `domain.returning`): the exit is final from then on."""
    earlier_pathway_id: str = ""
    """The same person's exited pathway this one follows, when they came back (`Refer`)."""

    def next_alert(self, due: datetime | None) -> datetime | None:
        """The next alert as the pathway tells it: none once it is closed for good, since it
        raises no alert again."""
        return None if self.closed_at is not None else due

    def consent_valid(self, partner_kind: PartnerKind, instant: datetime) -> bool:
        return any(c.partner_kind == partner_kind and c.valid_at(instant) for c in self.consents)

    def current_training(self) -> Training | None:
        return next(
            (t for t in self.trainings if t.completed_at is None and t.dropped_at is None), None
        )

    def current_mission(self) -> Mission | None:
        return next((m for m in self.missions if m.ended_at is None), None)
