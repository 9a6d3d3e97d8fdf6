"""What the codec server's tests share: payloads the project's converter encodes, passes
issued under the server's secret, and the calls of the codec protocol."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from parcours.adapters.temporal.converter import data_converter
from parcours.app.staff_access import issue_pass
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme
from parcours.workflows.messages import PathwayInput
from tests.codec.http_client import Answer, call
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

PID = "pathway-00000000000000a1"
IDENTITY = ("Zephyrine", "Quillfeather", "1990-04-02", "+33 6 00 00 00 00", "zq@example.org")
UI_ORIGIN = "http://127.0.0.1:8233"


def start_input(pathway_id: str = PID) -> PathwayInput:
    """A pathway's start input, as `refer` sends it: the person's identity inside."""
    programme = get_programme("atp-cergy").model_dump(mode="json")
    return PathwayInput(
        pathway_id, programme, participant(), referral(), meta(reason="orientation")
    )


async def encoded(*values: Any) -> list[Payload]:
    """`values` as every parcours client sends them: JSON, then encrypted."""
    return list(await data_converter(TEST_KEYRING).encode(list(values)))


def body(payloads: Sequence[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


def documents(answer: Answer) -> list[Any]:
    """The JSON inside each payload of a codec answer (None for one that is not JSON)."""
    found: list[Any] = []
    for payload in answer.json()["payloads"]:
        encoding = base64.b64decode(payload["metadata"]["encoding"])
        data = base64.b64decode(payload.get("data", ""))
        found.append(json.loads(data) if encoding == b"json/plain" else None)
    return found


@dataclass(frozen=True)
class Codec:
    """A running codec server and the secret its passes are signed with."""

    url: str
    secret: bytes

    def pass_for(self, actor_id: str, role: Role, hours: float = 1) -> str:
        expires = datetime.now(UTC) + timedelta(hours=hours)
        return issue_pass(self.secret, Actor(actor_id, role), expires)

    def post(
        self, route: str, payloads: Sequence[Payload] | str, token: str | None = None, **more: str
    ) -> Answer:
        headers = {"Content-Type": "application/json", "X-Namespace": "default"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        headers |= {name.replace("_", "-"): value for name, value in more.items()}
        sent = payloads if isinstance(payloads, str) else body(payloads)
        return call(f"{self.url}/{route}", "POST", sent, headers)
