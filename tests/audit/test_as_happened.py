"""`audit at` as it happened (the default) and as recorded, over a pathway entered after
the fact: the committed history `atp-entered-after-the-fact.json`, whose every event is
dated when it happened (`EFFECTIVE_INSTANTS_PATCH`) and typed about 700 days later."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.fold import NotYetReferred, fold
from parcours.audit.happened import snapshot_at
from parcours.audit.history import read_history_file
from parcours.audit.recording import Recording, record_of
from parcours.domain.vocabulary import Stage
from tests.audit.helpers import cli_for, json_of, run
from tests.histories.record import HERE, history_keyring

pytestmark = pytest.mark.asyncio(loop_scope="session")

NAME = "atp-entered-after-the-fact"
DAY = timedelta(days=1)


async def recording(name: str = NAME) -> Recording:
    history = read_history_file(HERE / f"{name}.json")
    return await record_of(history, data_converter(history_keyring()))


async def test_the_history_is_dated_and_its_fold_agrees_with_the_workflow() -> None:
    entered = await recording()
    assert entered.dated_runs == frozenset({0})
    assert (await recording("atp-full-pathway")).dated_runs == frozenset()
    folded = fold(entered)
    assert folded.discrepancies == []
    referred = folded.pathway.state.timeline[0]
    assert referred.at == entered.referral.referred_at
    assert referred.recorded_at is not None
    assert referred.recorded_at - referred.at > 600 * DAY


async def test_as_it_happened_a_day_after_the_referral_it_existed() -> None:
    """The reproduced defect: "did not exist yet" for a pathway referred long before it
    was typed. As it happened it was referred; as recorded, parcours did not know it."""
    entered = await recording()
    referred = entered.referral.referred_at
    noon = snapshot_at(entered, referred + DAY / 2)
    assert noon.state.stage is Stage.BARRIER_WORK
    assert [b.barrier_id for b in noon.state.barriers] == ["b1", "b2"]
    with pytest.raises(NotYetReferred):
        snapshot_at(entered, referred + DAY / 2, as_recorded=True)
    with pytest.raises(NotYetReferred):
        snapshot_at(entered, referred - DAY)


async def test_as_it_happened_follows_the_stages_on_their_dates() -> None:
    entered = await recording()
    t0 = entered.referral.referred_at
    stages = {
        n: snapshot_at(entered, t0 + n * DAY + timedelta(hours=1)).state.stage
        for n in (0, 1, 2, 7, 21)
    }
    assert stages == {
        0: Stage.BARRIER_WORK,
        1: Stage.CONTRACTED,
        2: Stage.COACHING,
        7: Stage.SUSPENDED,
        21: Stage.COACHING,
    }
    suspended = snapshot_at(entered, t0 + 7 * DAY)
    assert suspended.state.stage_since == t0 + 6 * DAY
    # Now, both answers are the same pathway.
    now = entered.recorded_until
    as_happened = snapshot_at(entered, now).state
    as_recorded = snapshot_at(entered, now, as_recorded=True).state
    assert (as_happened.stage, as_happened.stage_since) == (
        as_recorded.stage,
        as_recorded.stage_since,
    )
    assert as_happened.barriers == as_recorded.barriers


async def test_audit_at_through_the_cli_both_ways(tmp_path: Path) -> None:
    cli = cli_for(tmp_path, (HERE / "keys.json").read_text(encoding="utf-8"))
    history = str(HERE / f"{NAME}.json")
    day_after = ((await recording()).referral.referred_at + DAY / 2).isoformat()
    answer = await run(cli, "audit", "at", history, "--when", day_after, "--json")
    assert json_of(answer)["stage"] == "barrier_work"
    known = await run(cli, "audit", "at", history, "--when", day_after, "--as-recorded")
    assert known.exit_code == 4, known.output
    assert "was not recorded yet" in known.stderr
    # The title says which view it is (a trial's pasted answers could not tell them apart).
    end = (await recording()).recorded_until.isoformat()
    happened = await run(cli, "audit", "at", history, "--when", end)
    assert "as it stood at" in happened.stdout
    assert "(as it happened)" in " ".join(happened.stdout.split())
    recorded = await run(cli, "audit", "at", history, "--when", end, "--as-recorded")
    assert "(as recorded)" in " ".join(recorded.stdout.split()), recorded.output
    assert "as it happened" not in recorded.stdout
