"""The `erase_person` update on the real dev server, sent through the raw client (as any
client could): the workflow's validator refuses a role other than coordinator, a missing
reason and a second erasure; an accepted one records `person_erased` (who, when, why),
closes the pathway and ends the run, cached or replayed from history alike; the
`participant` query of a person referred in clear then answers no identity."""

from __future__ import annotations

import pytest

from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from parcours.workflows.erasure import ERASE_PERSON_UPDATE
from parcours.workflows.messages import UpdateResult
from tests.support import AUDITOR, COORDINATOR, STAFF, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


async def test_only_a_coordinator_erases_with_a_reason_and_only_once(
    pathways: PathwayClient,
) -> None:
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), meta())

    async def erase(sent: object) -> UpdateResult:
        done = await pathways.update(pid, ERASE_PERSON_UPDATE, [sent], sent, UpdateResult)  # type: ignore[arg-type]
        assert isinstance(done, UpdateResult)
        return done

    for who, rule in ((STAFF, "role_permission"), (AUDITOR, "role_permission")):
        with pytest.raises(RequestRefused) as refused:
            await erase(meta(who, reason="asked by the person"))
        assert refused.value.rule == rule
    with pytest.raises(RequestRefused) as blank:
        await erase(meta(COORDINATOR, reason="  "))
    assert blank.value.rule == "erase_reason"

    done = await erase(meta(COORDINATOR, reason="asked by the person"))
    assert done.event == "person_erased"
    await pathways.temporal.get_workflow_handle(pid).result()  # the run ends
    state = await pathways.state(pid)
    last = state.timeline[-1]
    assert (last.kind, last.actor_id, last.reason) == (
        "person_erased",
        COORDINATOR.actor_id,
        "asked by the person",
    )
    assert state.erased_at == state.closed_at == last.at
    assert [b.kind for b in state.barriers] == [BarrierKind.HOUSING]  # barriers by kind stay
    person = await pathways.participant(pid)
    assert "Quillfeather" not in repr(person)
    assert state.erased_at is not None
    with pytest.raises(RequestRefused) as again:
        await erase(meta(COORDINATOR, reason="asked again"))
    assert again.value.rule == "pathway_closed"  # its run has ended: nothing is recorded
