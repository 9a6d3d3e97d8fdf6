"""The workflow dates events when they happened: a pathway whose records are typed late
and out of order reports the same pathway as the story told live, and its history's
audit fold and "as it happened" answers agree with it (the hypothesis test in
`tests/audit/test_effective_order.py` covers the orders without a server)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.app.client import PathwayClient
from parcours.audit.happened import happened
from parcours.audit.history import fetch_pathway_history
from parcours.audit.recording import record_of
from parcours.domain import commands as c
from parcours.domain.pathway import Pathway
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import BarrierKind, FrenchLevel, PartnerKind, Stage
from parcours.programmes import get_programme
from tests.audit.helpers import Happened, essence
from tests.samples import ATP_CRITERIA
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
DAY = timedelta(days=1)


def story(t0: datetime) -> list[Happened]:
    """What happened, in order: taken in, barriers, contacts, the contract."""
    dated = [
        (c.CompleteIntake(t0 + DAY, ATP_CRITERIA), t0 + DAY),
        (c.OpenBarrier(BarrierKind.HOUSING), t0 + 2 * DAY),
        (c.RecordContact(t0 + 3 * DAY), t0 + 3 * DAY),
        (c.AssessFrench(FrenchLevel.B1), t0 + 4 * DAY),
        (c.GiveConsent(PartnerKind.REFERRER, t0 + 5 * DAY, t0 + 900 * DAY), t0 + 5 * DAY),
        (c.ResolveBarrier("b1"), t0 + 6 * DAY),
        (c.SignContract(t0 + 7 * DAY), t0 + 7 * DAY),
        (c.RecordContact(t0 + 8 * DAY), t0 + 8 * DAY),
    ]
    return [
        Happened(command, dataclasses.replace(meta(), effective_at=at), at) for command, at in dated
    ]


async def test_records_typed_late_and_out_of_order_give_the_story(
    pathways: PathwayClient,
) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - 30 * DAY
    told = story(t0)
    # Typed today: the French assessment and the consent before the contact they followed.
    order = [told[0], told[1], told[3], told[4], told[2], told[5], told[6], told[7]]
    pid = await pathways.refer(ATP, participant(), referral(t0), meta())
    for step in order:
        await pathways.execute(pid, step.command, step.meta)
    reported = await pathways.state(pid)
    assert reported.stage is Stage.CONTRACTED
    assert reported.stage_since == t0 + 7 * DAY
    assert reported.last_contact_at == t0 + 8 * DAY
    assert reported.barriers[0].opened_at == t0 + 2 * DAY

    live = Pathway.refer(ATP, pid, referral(t0), meta(), t0)
    for step in told:
        live.execute(step.command, step.meta, step.effective)
    assert essence(reported) == essence(live.state) | {"pathway_id": pid}

    # The audit reads the same from the history alone: as it happened, the day before the
    # contract the pathway was in barrier work with its barrier resolved.
    history = await fetch_pathway_history(pathways.temporal, pid)
    recording = await record_of(history, data_converter(TEST_KEYRING))
    before = happened(recording, t0 + 7 * DAY - timedelta(hours=1)).pathway.state
    assert before.stage is Stage.BARRIER_WORK
    assert before.last_contact_at == t0 + 3 * DAY
    assert happened(recording, reported_at(reported)).pathway.state.stage is Stage.CONTRACTED


def reported_at(state: PathwayState) -> datetime:
    return state.timeline[-1].recorded
