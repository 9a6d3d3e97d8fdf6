"""A script that drives pathways through faults, as staff would: each command is sent again,
with the same request id, until the service answers it.

Every pathway refers its own person and enters a whole ATP pathway after the fact (each
event on its day, from `START_DAYS_AGO` days ago): consent to the referrer (the CCAS, by
e-mail) and to the temp agency (Interim 95, by webhook), intake, a barrier, the contract,
coaching, an appointment, a hire, two missions, the exit. What the service answered is
kept in a `Ledger`: the request id of every command and the event it recorded, which the
checks (`checks.py`) then look for in the workflows, the read model and the receivers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TypeVar

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, Store
from parcours.app import referral as referrals
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral, PathwayNotFound, RequestRefused
from parcours.app.health import PathwayCannotRun
from parcours.domain import commands as c
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
    Stage,
)
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant
from tests.receivers import SECRET, HttpReceiver, SmtpServer
from tests.samples import ATP_CRITERIA, DAY, Step, long_ago, on_dates
from tests.servers import TEST_KEYRING
from tests.support import STAFF

T = TypeVar("T")

START_DAYS_AGO = 300
ATTEMPT_S = 5.0
"""One attempt at a command; past it the same request is sent again, as a person whose
terminal said nothing would. A worker killed while it held a pathway gives it back after
the sticky queue's 10 s, so attempts do time out and requests are sent again."""
RETRY_PAUSE_S = 0.5
"""Between two attempts, as a person typing the command again would leave."""

REFERRER = "CCAS"
REFERRER_MAILBOX = "orientation@ccas.example.org"
TEMP_AGENCY = "Interim 95"

EXPECTED_DELIVERIES: dict[str, str] = {
    "intake_completed": REFERRER,
    "contract_signed": REFERRER,
    "coaching_started": TEMP_AGENCY,
    "mission_started": REFERRER,
    "exited": REFERRER,
}
"""Which partner hears of which event, under the consents every scripted pathway gives."""

ANSWERS = (RequestRefused, PathwayNotFound, PathwayCannotRun, DuplicateReferral)
"""What the service answers: a refusal is an answer, never a reason to send again."""


def add_partners(store: Store, smtp: SmtpServer, hooks: HttpReceiver) -> None:
    """The referrer the pathways name, by e-mail, and a temp agency, by webhook."""
    store.add_partner(Partner(REFERRER, PartnerKind.REFERRER, ChannelKind.EMAIL, REFERRER_MAILBOX))
    store.add_partner(
        Partner(TEMP_AGENCY, PartnerKind.TEMP_AGENCY, ChannelKind.WEBHOOK, hooks.url, SECRET)
    )


def scripted_pathway(t0: datetime) -> list[Step]:
    """A whole ATP pathway whose events reach both partners (six messages)."""
    return [
        (c.GiveConsent(PartnerKind.REFERRER, t0, t0 + 1000 * DAY), "", Stage.REFERRED),
        (c.GiveConsent(PartnerKind.TEMP_AGENCY, t0, t0 + 1000 * DAY), "", Stage.REFERRED),
        (c.CompleteIntake(t0, ATP_CRITERIA), "", Stage.BARRIER_WORK),
        (c.OpenBarrier(BarrierKind.HOUSING, aid_requested=True), "", Stage.BARRIER_WORK),
        (c.ResolveBarrier("b1"), "", Stage.BARRIER_WORK),
        (c.AssessFrench(FrenchLevel.B1), "", Stage.BARRIER_WORK),
        (c.SignContract(t0 + DAY), "", Stage.CONTRACTED),
        (c.StartCoaching(t0 + 2 * DAY), "", Stage.COACHING),
        (
            c.ScheduleAppointment(
                t0 + 3 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE
            ),
            "",
            Stage.COACHING,
        ),
        (c.AttendAppointment("a1"), "", Stage.COACHING),
        (c.RecordContact(t0 + 5 * DAY), "", Stage.COACHING),
        (
            c.RecordJobDating(t0 + 10 * DAY, JobDatingOutcome.HIRED, "Randstad"),
            "",
            Stage.AWAITING_MISSION,
        ),
        (
            c.StartMission(
                "Randstad",
                "Hypermarché",
                t0 + 11 * DAY,
                ContractType.TEMP_MISSION,
                35,
                t0 + 41 * DAY,
            ),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.EndMission(t0 + 41 * DAY), "", Stage.AWAITING_MISSION),
        (
            c.StartMission("", "Hypermarché", t0 + 42 * DAY, ContractType.PERMANENT, 35),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.RecordContact(t0 + 60 * DAY), "", Stage.IN_EMPLOYMENT),
        (c.Exit(ExitReason.EMPLOYMENT, t0 + 100 * DAY), "hired", Stage.EXITED),
    ]


@dataclass(frozen=True)
class Answered:
    """A command the service answered: the event it recorded (its `seq`)."""

    pathway_id: str
    request_id: str
    seq: int
    stage: str


def _open_gate() -> asyncio.Event:
    gate = asyncio.Event()
    gate.set()
    return gate


@dataclass
class Ledger:
    """What the script sent and what was answered; how many attempts went unanswered."""

    people: dict[str, str] = field(default_factory=dict)
    """The pathway id each person's referral answered, by the person's first name."""
    answered: list[Answered] = field(default_factory=list)
    attempt_s: float = ATTEMPT_S
    unanswered: Counter[str] = field(default_factory=Counter)
    """Attempts that got no answer, by the kind of error the client saw."""
    last_steps: asyncio.Event = field(default_factory=_open_gate)
    """Every pathway waits for it before its last command: a test that must land its
    faults inside the script holds it until they have landed, so the script cannot end
    first however fast the machine drives it."""

    @property
    def pathway_ids(self) -> list[str]:
        return list(self.people.values())

    def of(self, pathway_id: str) -> list[Answered]:
        return [a for a in self.answered if a.pathway_id == pathway_id]


async def until_answered(call: Callable[[], Awaitable[T]], ledger: Ledger) -> T:
    """`call()`'s answer, calling again (with the same request inside) until there is one."""
    while True:
        try:
            return await asyncio.wait_for(call(), ledger.attempt_s)
        except ANSWERS:
            raise
        except Exception as err:  # noqa: BLE001 - no answer, whatever the client saw
            ledger.unanswered[type(err).__name__] += 1
        await asyncio.sleep(RETRY_PAUSE_S)


def _meta(reason: str = "", on: datetime | None = None) -> RequestMeta:
    return RequestMeta(uuid.uuid4().hex, STAFF, reason, effective_at=on)


def person(name: str) -> Participant:
    return Participant(first_name=name, last_name="Faultline", birth_date="1988-05-17")


async def refer_person(
    pathways: PathwayClient, name: str, ledger: Ledger, referred_at: datetime
) -> str:
    """Refer `name` by the CCAS until the service answers; the pathway it answered."""
    atp = get_programme("atp-cergy")
    referral = c.Refer(REFERRER, referred_at, "2025-faults", STAFF.actor_id)
    meta = _meta()
    referred = await until_answered(
        partial(
            referrals.refer_person,
            pathways,
            atp,
            person(name),
            referral,
            meta=meta,
            keyring=TEST_KEYRING,
        ),
        ledger,
    )
    pathway_id = referred.pathway_id
    ledger.people[name] = pathway_id
    return pathway_id


async def send(
    pathways: PathwayClient,
    pathway_id: str,
    command: c.Command,
    ledger: Ledger,
    *,
    reason: str = "",
    on: datetime | None = None,
) -> Answered:
    """Send `command` until it is answered, always with the same request id."""
    sent = _meta(reason, on)
    result = await until_answered(partial(pathways.execute, pathway_id, command, sent), ledger)
    answer = Answered(pathway_id, sent.request_id, result.seq, result.stage.value)
    ledger.answered.append(answer)
    return answer


async def drive_one(pathways: PathwayClient, name: str, ledger: Ledger) -> None:
    """Refer `name` and enter the scripted pathway, each command until it is answered."""
    t0 = long_ago(START_DAYS_AGO)
    pathway_id = await refer_person(pathways, name, ledger, t0)
    steps = scripted_pathway(t0)
    dated = list(zip(steps, on_dates(steps, t0), strict=True))
    for index, ((command, reason, stage), on) in enumerate(dated):
        if index == len(dated) - 1:
            await ledger.last_steps.wait()
        answer = await send(pathways, pathway_id, command, ledger, reason=reason, on=on)
        assert answer.stage == stage.value, (name, command, answer)


async def drive(pathways: PathwayClient, names: list[str], ledger: Ledger) -> None:
    await asyncio.gather(*(drive_one(pathways, name, ledger) for name in names))
