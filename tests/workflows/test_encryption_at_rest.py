"""What the workflow engine stores is encrypted: a participant's name never reaches its disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from parcours.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


def stored_bytes(db: Path) -> bytes:
    """The SQLite file with its write-ahead log, as the server left them on disk."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


async def test_a_participant_name_appears_nowhere_in_the_server_database(
    temporal_env: WorkflowEnvironment, pathways: PathwayClient
) -> None:
    pid = await pathways.refer(
        get_programme("atp-cergy"), participant("Zephyrine", "Quillfeather"), referral(), meta()
    )
    await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), meta())
    # A refused update whose message would name the person if failures were stored in clear.
    with pytest.raises(Exception, match="reason"):
        await pathways.execute(pid, c.WaiveBarrier("b1"), meta(reason=""))
    assert (await pathways.participant(pid)).last_name == "Quillfeather"

    # Control: the same check finds a name written through an unencrypted client.
    plain = await Client.connect(
        temporal_env.client.service_client.config.target_host, namespace="default"
    )
    await plain.start_workflow(
        "NoSuchWorkflowType", "Bartholomew Plaintextson", id=f"{pid}-control", task_queue="none"
    )
    db: Path = temporal_env.db_path  # type: ignore[attr-defined]
    data = stored_bytes(db)
    assert b"Plaintextson" in data, "the control name should be stored in clear"
    assert b"Quillfeather" not in data
    assert b"Zephyrine" not in data
    assert b"zq@example.org" not in data
