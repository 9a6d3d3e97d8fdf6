"""A job-dating event as a workflow of its own, with real partners behind it.

Two temp agencies (a signed webhook and an e-mail box on loopback) are invited and told
of the candidates who consent to it, with the fields temp agencies may receive; on the
day each outcome reaches its pathway once, a refusal names its rule and holds back no
other candidate. The bench's worker caches no workflow: every step replays the history.
Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from parcours.app import jobdating
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.jobdating import JobDatingEvent, OutcomeEntry, outcome_request_id
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import JobDatingOutcome, Stage
from tests.polling import eventually
from tests.receivers import Received
from tests.support import COORDINATOR, STAFF, T0, meta
from tests.workflows.jobdating_bench import (
    ADECCO_MAILBOX,
    PLACE,
    add_adecco,
    in_coaching,
    new_id,
    plan,
)
from tests.workflows.partner_bench import Bench

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

HIRED, TRAINING = JobDatingOutcome.HIRED, JobDatingOutcome.TRAINING


def _now() -> datetime:
    return datetime.now(UTC)


async def test_agencies_hear_of_consenting_candidates_only_with_their_fields(
    bench: Bench,
) -> None:
    add_adecco(bench.store)
    willing = await in_coaching(bench.pathways)
    unwilling = await in_coaching(bench.pathways, consents=False, first="Ottoline")
    event = await plan(
        bench.pathways, bench.store, _now() + 3 * timedelta(days=1), [willing, unwilling]
    )
    client = bench.pathways.temporal
    report = await jobdating.invite(client, event, meta(COORDINATOR))
    assert (report.agencies, report.presented, report.without_consent) == (
        2,
        [willing],
        [unwilling],
    )
    hooks = await eventually(_hooks(bench), lambda r: len(r) >= 2, what="Interim 95 was told")
    mails = await eventually(_mails(bench), lambda r: len(r) >= 2, what="Adecco was told")
    by_kind = {h.json()["event_kind"]: h.json() for h in hooks}
    assert set(by_kind) == {"jobdating_invitation", "jobdating_candidate"}
    assert all(h.signature_valid for h in hooks)
    assert by_kind["jobdating_invitation"]["fields"] == {}
    assert by_kind["jobdating_invitation"]["place"] == PLACE
    assert by_kind["jobdating_candidate"]["fields"] == {
        "first_name": "Zephyrine",
        "availability": "weekdays after 17:00",
        "skills": "cashier",
    }
    assert {tuple(to) for to, _ in mails} == {(ADECCO_MAILBOX,)}
    texts = " ".join(_text(mail) for _, mail in mails)
    assert "Zephyrine" in texts
    assert PLACE in texts
    for withheld in ("Quillfeather", "Ottoline", "+33 6", "zq@example.org", "1990-04-02"):
        assert withheld not in texts + str([h.body for h in hooks]), withheld
    again = await jobdating.invite(client, event, meta(COORDINATOR))
    assert again == report
    told = bench.store.notifications(pathway_id=willing)
    presented = sorted(n.partner_name for n in told if n.event_kind == "jobdating_candidate")
    assert presented == ["Adecco", "Interim 95"]  # once per agency, invited twice


async def test_each_outcome_reaches_its_pathway_once_and_a_refusal_holds_back_no_one(
    bench: Bench,
) -> None:
    hired = await in_coaching(bench.pathways)
    paused = await in_coaching(bench.pathways, first="Ottoline")
    event = await plan(bench.pathways, bench.store, _now() - timedelta(hours=1), [hired, paused])
    await bench.pathways.execute(paused, c.Suspend(T0), meta(reason="family matters"))
    client = bench.pathways.temporal
    entries = [OutcomeEntry(hired, HIRED, "Interim 95"), OutcomeEntry(paused, TRAINING)]
    recording = meta(STAFF, request_id=new_id())
    answer = await jobdating.record(client, event, entries, recording)
    first, second = answer.answers
    assert (first.pathway_id, first.applied, first.stage) == (
        hired,
        True,
        Stage.AWAITING_MISSION.value,
    )
    assert (second.pathway_id, second.applied, second.rule) == (paused, False, "stage")
    assert second.code == "move_not_in_stage"
    retried = await jobdating.record(client, event, entries, recording)
    assert retried.answers == answer.answers  # answered from the first, nothing sent again
    # The event's activity retried: answered from the first time, nothing more recorded.
    own = RequestMeta(outcome_request_id(event, recording.request_id, hired), STAFF)
    command = c.RecordJobDating(
        held_at=_now() - timedelta(hours=1), outcome=HIRED, agency="Interim 95"
    )
    assert (await bench.pathways.execute(hired, command, own)).seq == first.seq
    state = await bench.pathways.state(hired)
    assert [(j.outcome, j.agency) for j in state.job_datings] == [(HIRED, "Interim 95")]
    status = await jobdating.status(client, event)
    assert [c.pathway_id for c in status.waiting()] == [paused]
    await bench.pathways.execute(paused, c.Resume(T0), meta())
    later = await jobdating.record(client, event, [entries[1]], meta(STAFF, request_id=new_id()))
    assert later.answers[0].applied
    done = await client.get_workflow_handle(event, result_type=JobDatingEvent).result()
    assert done.waiting() == []  # every outcome applied: the event has completed


async def test_a_plan_names_temp_agencies_of_the_directory_and_candidates_ready(
    bench: Bench,
) -> None:
    ready = await in_coaching(bench.pathways)
    with pytest.raises(UnknownReference) as unknown:
        await jobdating.plan(bench.pathways, bench.store, _plan(["Nowhere"], [ready]), _coord())
    assert unknown.value.code == "agency_unknown"
    with pytest.raises(MoveRefused) as not_agency:
        await jobdating.plan(bench.pathways, bench.store, _plan(["CCAS"], [ready]), _coord())
    assert not_agency.value.rule == "agency_not_temp_agency"
    from parcours.programmes import get_programme
    from tests.support import participant, referral

    atp = get_programme("atp-cergy")
    fresh = await bench.pathways.refer(atp, participant("Ottoline"), referral(), meta())
    with pytest.raises(MoveRefused) as not_ready:
        await jobdating.plan(bench.pathways, bench.store, _plan(["Interim 95"], [fresh]), _coord())
    assert (not_ready.value.rule, not_ready.value.values["stage"]) == (
        "jobdating_stage",
        "referred",
    )
    event = await plan(bench.pathways, bench.store, _now() + timedelta(days=2), [ready])
    early = [OutcomeEntry(ready, HIRED)]
    with pytest.raises(RequestRefused) as too_early:
        await jobdating.record(bench.pathways.temporal, event, early, meta())
    assert too_early.value.rule == "jobdating_not_yet"


def _hooks(bench: Bench) -> Callable[[], list[Received]]:
    """What Interim 95 received of job-datings (it hears of coaching starts too)."""
    return lambda: [h for h in bench.hooks.received if h.json()["event_kind"].startswith("jobd")]


def _mails(bench: Bench) -> Callable[[], list[tuple[list[str], EmailMessage]]]:
    """What Adecco received (by e-mail, of job-datings only: it was added for them)."""
    return lambda: [(to, m) for to, m in bench.smtp.recorder.received if ADECCO_MAILBOX in to]


def _plan(agencies: list[str], candidates: list[str]) -> jobdating.Plan:
    return jobdating.Plan("atp-cergy", _now() + timedelta(days=2), PLACE, agencies, candidates)


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _coord() -> RequestMeta:
    return meta(COORDINATOR, request_id=new_id())
