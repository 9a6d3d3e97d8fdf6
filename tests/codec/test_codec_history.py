"""Every payload of a whole pathway's history, as the web UI would ask for it: an auditor
gets none of the person's identity back, whichever event it sits in (the start input,
partner messages, query answers, update results...), while staff get it (the control
that the check would find it). The pathway runs on the real dev server, with the
project's worker, through a full ATP programme."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.vocabulary import Role
from parcours.worker import build_worker, default_activities
from tests.codec.helpers import IDENTITY, Codec, documents
from tests.scenarios import drive_full_atp_pathway

pytestmark = pytest.mark.temporal


def payloads_in(message: Message) -> list[Payload]:
    """Every `Payload` anywhere inside `message` (lists and maps included)."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            items = list(value.values())
        elif field.is_repeated:
            items = list(value)
        else:
            items = [value]
        found += [p for item in items if isinstance(item, Message) for p in payloads_in(item)]
    return found


def named(answers: list[object]) -> set[str]:
    text = " ".join(str(document) for document in answers)
    return {word for word in IDENTITY if word in text}


@pytest.mark.asyncio(loop_scope="session")
async def test_no_payload_of_a_whole_pathway_shows_an_auditor_the_person(
    temporal_env: WorkflowEnvironment, codec: Codec, codec_settings: Settings
) -> None:
    settings = replace(codec_settings, task_queue=f"codec-{uuid.uuid4().hex[:8]}")
    async with build_worker(temporal_env.client, settings, default_activities(settings)):
        pid = await drive_full_atp_pathway(PathwayClient(temporal_env.client, settings.task_queue))
    history = await temporal_env.client.get_workflow_handle(pid).fetch_history()
    events = [payloads_in(event) for event in history.events]
    assert sum(len(found) for found in events) > 50

    auditor, staff = (
        codec.pass_for("aud-01", Role.AUDITOR),
        codec.pass_for("staff-7f3a", Role.STAFF),
    )
    seen_by_auditor: list[object] = []
    seen_by_staff: list[object] = []
    for found in events:
        if not found:
            continue
        as_auditor = codec.post("decode", found, auditor)
        assert as_auditor.status == 200, as_auditor.body
        seen_by_auditor += documents(as_auditor)
        seen_by_auditor.append(as_auditor.body.decode())
        seen_by_staff += documents(codec.post("decode", found, staff))

    assert named(seen_by_auditor) == set()
    assert named(seen_by_staff) == set(IDENTITY)  # the control: the names are there
