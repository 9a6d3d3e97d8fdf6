"""The `refer_again` update stays replayed, and the audit fold agrees with what it recorded.

`atp-referred-again.json` (scenario `atp-referred-again` of tests/scenarios.py) is the
exited pathway of a person referred again with `--returning`: it records
`referred_again`, then its exit is restated a day earlier. A new update rather than a
patched branch: no history before it holds one, so every older history replays as before
(`test_replay.py`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.fold import fold
from parcours.audit.happened import snapshot_at
from parcours.audit.history import read_history_file
from parcours.audit.recording import COMMAND_OF_UPDATE, record_of
from parcours.domain.anonymisation import AdoptRetention, ExtendRetention
from parcours.domain.erasure import ErasePerson
from parcours.domain.returning import ReferAgain
from parcours.domain.vocabulary import Stage
from parcours.workflows.erasure import ERASE_PERSON_UPDATE
from parcours.workflows.retention import ADOPT_RETENTION_UPDATE, EXTEND_RETENTION_UPDATE
from parcours.workflows.returning import REFER_AGAIN_UPDATE
from tests.histories.record import HERE, history_keyring
from tests.workflows.patch_replay import folded, load, replay

pytestmark = pytest.mark.asyncio(loop_scope="session")

RETURNED = HERE / "atp-referred-again.json"


async def test_the_return_replays(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = await replay(load(RETURNED), monkeypatch)
    assert result.replay_failure is None, result.replay_failure


async def test_the_fold_keeps_the_return_and_the_exit_before_it() -> None:
    state = await folded(RETURNED)
    kinds = [event.kind for event in state.timeline]
    assert kinds[-3:] == ["exited", "referred_again", "event_restated"]
    noted = state.timeline[-2]
    assert state.referred_again_at is not None
    assert noted.details == {"referred_at": state.referred_again_at.isoformat()}
    assert state.stage is Stage.EXITED
    assert state.outcome is not None
    assert state.referred_again_at - state.outcome.exited_at == timedelta(days=61)
    assert noted.recorded_at is not None
    assert noted.at == state.referred_again_at < noted.recorded_at  # dated when it happened


async def test_audit_at_places_the_return_when_it_happened() -> None:
    """The return was entered after the fact: as it happened, the pathway says so from
    its date on, months before it was typed in; as recorded, once it was."""
    recording = await record_of(read_history_file(RETURNED), data_converter(history_keyring()))
    returned = fold(recording).pathway.state.timeline[-2]
    assert returned.recorded_at is not None
    day = timedelta(days=1)
    assert snapshot_at(recording, returned.at - day).state.referred_again_at is None
    assert snapshot_at(recording, returned.at + day).state.referred_again_at == returned.at
    known = snapshot_at(recording, returned.recorded_at, as_recorded=True)
    assert known.state.referred_again_at == returned.at


async def test_the_fold_reads_each_update_beside_the_machine_by_its_name() -> None:
    named = {
        ERASE_PERSON_UPDATE: ErasePerson,
        EXTEND_RETENTION_UPDATE: ExtendRetention,
        ADOPT_RETENTION_UPDATE: AdoptRetention,
        REFER_AGAIN_UPDATE: ReferAgain,
    }
    assert {name: COMMAND_OF_UPDATE[name] for name in named} == named


CAME_BACK = HERE / "atp-returned.json"
"""The new pathway of that person (scenario `atp-returned`): its referral names the exited
one (`Refer.earlier_pathway_id`), and its intake is then restated a day later."""


async def test_the_new_pathway_replays_and_names_the_earlier_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result, _ = await replay(load(CAME_BACK), monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    state = await folded(CAME_BACK)  # the fold agrees with what the workflow answered
    referred = state.timeline[0]
    assert referred.kind == "referred"
    assert state.earlier_pathway_id.startswith("pathway-")
    assert referred.details["earlier_pathway_id"] == state.earlier_pathway_id
    assert [e.kind for e in state.timeline][-1] == "event_restated"  # run again from the
    assert state.intake_completed_at == state.referred_at + timedelta(days=3)  # referral


@pytest.mark.parametrize("name", ["atp-full-pathway", "atp-referred-again", "signed-actors"])
async def test_a_referral_recorded_before_the_link_names_no_earlier_pathway(name: str) -> None:
    """Histories recorded before `Refer.earlier_pathway_id` existed fold as before: no
    earlier pathway, and nothing of it in their referral's details."""
    state = await folded(HERE / f"{name}.json")
    assert state.earlier_pathway_id == ""
    assert "earlier_pathway_id" not in state.timeline[0].details
