"""The histories of signed actors take the new branch of `SIGNED_REFERRAL_PATCH`.

`signed-actors.json`: a referral and two actions, each signed; the referral was checked by
the worker's local activity, whose answer (a marker) the history keeps, so the replay
reads it without asking any credential. `unsigned-referral-refused.json`: a referral sent
unsigned, which failed its pathway at the start. Both fail to replay without the branch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType

from parcours.audit.broken import NothingToFold
from parcours.cli.exit_codes import ExitCode
from parcours.workflows.patches import SIGNED_REFERRAL_PATCH
from tests.audit.helpers import cli_for, run
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay

pytestmark = pytest.mark.asyncio(loop_scope="session")

SIGNED = HERE / "signed-actors.json"
REFUSED = HERE / "unsigned-referral-refused.json"


@pytest.mark.parametrize("path", [SIGNED, REFUSED], ids=["signed", "refused"])
async def test_it_replays_only_with_the_new_branch(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = load(path)
    assert SIGNED_REFERRAL_PATCH in recorded_patches(history)
    taken, _ = await replay(history, monkeypatch)
    assert taken.replay_failure is None, taken.replay_failure
    without, told_no = await replay(history, monkeypatch, no_to=SIGNED_REFERRAL_PATCH)
    assert SIGNED_REFERRAL_PATCH in told_no
    assert without.replay_failure is not None


async def test_the_unsigned_referral_failed_its_pathway() -> None:
    kinds = [e.event_type for e in load(REFUSED).events]
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds


async def test_the_history_keeps_the_key_id_of_every_event() -> None:
    state = await folded(SIGNED)
    key_ids = {event.key_id for event in state.timeline}
    assert len(state.timeline) == 3
    assert len(key_ids) == 1
    assert next(iter(key_ids)).startswith("key-")


async def test_an_audit_of_the_unsigned_referral_finds_no_pathway(tmp_path: Path) -> None:
    """Before, `audit at` and `trail` folded the refused referral as a pathway that existed
    (stage Referred, an intake alert as it happened); it never did: each says it was
    refused at its start, and why (exit 8, as a referral the domain refused)."""
    cli = cli_for(tmp_path, (HERE / "keys.json").read_text(encoding="utf-8"))
    for command in (["trail"], ["at", "--when", "2026-12-31"]):
        said = await run(cli, "audit", command[0], str(REFUSED), *command[1:])
        assert said.exit_code == ExitCode.CANNOT_RUN, said.output
        assert "its referral was refused when it started" in said.stderr
        assert "not signed by a staff credential" in said.stderr
    french = await run(cli, "audit", "trail", str(REFUSED), PARCOURS_LANG="fr")
    assert french.exit_code == ExitCode.CANNOT_RUN, french.output
    assert "la demande n'est pas signée" in french.stderr  # the refusal, in French
    with pytest.raises(NothingToFold):
        await folded(REFUSED)
