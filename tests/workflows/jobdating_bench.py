"""Job-dating events on a partner bench: two temp agencies (Interim 95 by signed webhook,
Adecco by e-mail), candidates in coaching, and the event planned through `app.jobdating`.

Shared by `test_jobdating.py`, `test_jobdating_reminder.py` and the history recorder.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, Store
from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind
from parcours.programmes import get_programme
from tests.samples import ATP_CRITERIA
from tests.support import COORDINATOR, T0, meta, participant, referral

ADECCO_MAILBOX = "jobdating@adecco.example.org"
AGENCIES = ["Interim 95", "Adecco"]
PLACE = "Maison de l'emploi, Cergy"


def add_adecco(store: Store) -> None:
    """Interim 95 is the bench's webhook agency; Adecco is told by e-mail (unless the
    directory already has it, as the history recorder's has, by file)."""
    if store.get_partner("Adecco") is None:
        adecco = Partner("Adecco", PartnerKind.TEMP_AGENCY, ChannelKind.EMAIL, ADECCO_MAILBOX)
        store.add_partner(adecco)


async def in_coaching(
    pathways: PathwayClient, *, consents: bool = True, first: str = "Zephyrine"
) -> str:
    """An ATP pathway in coaching, consenting (or not) to temp agencies hearing of it."""
    pid = await pathways.refer(get_programme("atp-cergy"), participant(first), referral(), meta())
    steps: list[c.Command] = [c.CompleteIntake(T0, ATP_CRITERIA), c.SignContract(T0)]
    steps.append(c.StartCoaching(T0))
    if consents:
        steps.append(c.GiveConsent(PartnerKind.TEMP_AGENCY, T0))
    for command in steps:
        await pathways.execute(pid, command, meta())
    return pid


async def plan(
    pathways: PathwayClient, store: Store, held_at: datetime, candidates: list[str]
) -> str:
    """A coordinator plans the event with the two agencies; its id."""
    add_adecco(store)
    planned = jobdating.Plan("atp-cergy", held_at, PLACE, list(AGENCIES), candidates)
    return await jobdating.plan(pathways, store, planned, meta(COORDINATOR, request_id=new_id()))


def new_id() -> str:
    return f"req-{uuid.uuid4().hex}"
