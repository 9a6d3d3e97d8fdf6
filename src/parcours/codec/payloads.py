"""The codec protocol's bodies: payloads opened (or sealed) with the service's keys.

A body is Temporal's `Payloads` message in protobuf JSON (`{"payloads": [...]}`, bytes
in base64). Opening decrypts each payload the service encrypted (others pass as they
are) and says which pathways the opened payloads name, for the read log. For a reader
who may not see identity (an auditor), every field of a person's identity in an opened
payload (`Participant`'s fields, wherever they sit) is replaced by `MASK`, and a payload
that is not JSON, so cannot be checked, is returned still encrypted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload, Payloads

from parcours.adapters.temporal.encryption import ENCODING, EncryptionCodec
from parcours.domain.records import PATHWAY_ID
from parcours.workflows.messages import Participant

IDENTITY_FIELDS = frozenset(f.name for f in fields(Participant))
"""What identifies a person in a payload: every field of `Participant`, by name, in the
start input, the `participant` query's answer and the fields a partner message carries."""

MASK = "[masked]"
JSON_ENCODING = b"json/plain"


class BadBody(ValueError):
    """The request body is not a `Payloads` message in protobuf JSON."""


@dataclass(frozen=True)
class Opened:
    """The payloads to answer with, how many were decrypted, and the pathways they name."""

    payloads: list[Payload]
    decrypted: int
    pathway_ids: list[str]


def parse_body(body: bytes) -> list[Payload]:
    """The payloads of a request body; `BadBody` when it is not `{"payloads": [...]}`."""
    try:
        message = json_format.Parse(body, Payloads())
    except (json_format.ParseError, DecodeError, UnicodeDecodeError, ValueError) as err:
        raise BadBody(str(err)) from None
    return list(message.payloads)


def body_of(payloads: Sequence[Payload]) -> bytes:
    """The answer's body: the payloads in protobuf JSON, as the UI and the CLI read it."""
    return json_format.MessageToJson(Payloads(payloads=payloads)).encode()


def open_payloads(
    codec: EncryptionCodec,
    payloads: Sequence[Payload],
    *,
    masked: bool,
    opener: Callable[[Any], Any] | None = None,
) -> Opened:
    """Decrypt what the service encrypted; mask identity when `masked`; then `opener`
    opens what is sealed under each person's key (what masking left: the reasons typed).

    Raises the codec's `DecryptionError` when a payload does not open with the keys."""
    answer: list[Payload] = []
    named: dict[str, None] = {}
    decrypted = 0
    for payload in payloads:
        if payload.metadata.get("encoding") != ENCODING:
            answer.append(payload)
            continue
        plain = codec.decrypt(payload)
        decrypted += 1
        document = _json_of(plain)
        if document is not None:
            named.update(dict.fromkeys(_pathways_in(document)))
        if document is None:
            answer.append(payload if masked else plain)  # not JSON: masked, stays sealed
            continue
        shown = _masked(document) if masked else document
        opened = shown if opener is None else opener(shown)
        answer.append(plain if opened is document else _with_data(plain, opened))
    return Opened(answer, decrypted, list(named))


def seal_payloads(codec: EncryptionCodec, payloads: Sequence[Payload]) -> list[Payload]:
    """Encrypt each payload with the current key, as every client of parcours does."""
    return [codec.encrypt(payload) for payload in payloads]


def _json_of(payload: Payload) -> Any | None:
    if payload.metadata.get("encoding") != JSON_ENCODING:
        return None
    try:
        return json.loads(payload.data)
    except ValueError:
        return None


def _pathways_in(document: Any) -> list[str]:
    if isinstance(document, str):
        return [document] if PATHWAY_ID.fullmatch(document) else []
    if isinstance(document, dict):
        document = list(document.values())
    if isinstance(document, list):
        return [pid for item in document for pid in _pathways_in(item)]
    return []


def _masked(document: Any) -> Any:
    if isinstance(document, dict):
        return {
            key: MASK if key in IDENTITY_FIELDS and value else _masked(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_masked(item) for item in document]
    return document


def _with_data(payload: Payload, document: Any) -> Payload:
    masked = Payload()
    masked.CopyFrom(payload)
    masked.data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return masked
