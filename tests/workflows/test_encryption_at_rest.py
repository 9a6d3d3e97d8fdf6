"""What the workflow engine stores is encrypted: a participant's name never reaches its disk."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


@workflow.defn(name="FailsNamingThePerson")
class FailsNamingThePerson:
    """A failure whose message names the person, as a careless error message might."""

    @workflow.run
    async def run(self, name: str) -> None:
        raise ApplicationError(f"could not reach {name}", {"who": name}, non_retryable=True)


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

    # A failure stored in history, naming someone: its message and details are encrypted.
    queue = f"failures-{uuid.uuid4().hex[:8]}"
    async with Worker(temporal_env.client, task_queue=queue, workflows=[FailsNamingThePerson]):
        with pytest.raises(WorkflowFailureError) as failed:
            await temporal_env.client.execute_workflow(
                FailsNamingThePerson.run,
                "Ottoline Failuremarsh",
                id=f"{pid}-fail",
                task_queue=queue,
            )
    assert "Failuremarsh" in str(failed.value.cause)  # readable with the key

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
    assert b"Failuremarsh" not in data
    person = participant()
    for detail in (person.email, person.phone, person.birth_date, person.availability):
        assert detail
        assert detail.encode() not in data, detail
