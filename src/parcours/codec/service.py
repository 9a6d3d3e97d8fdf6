"""What the codec server answers, apart from HTTP itself: who asks, what they may open,
the read log, and the words of its refusals.

`/decode` opens payloads for staff and coordinators as they are, for auditors with the
person's identity masked, and for no one else; each decode that opened a payload is
logged in the read log before the answer is sent (one entry per pathway the payloads
name, or one without a pathway when they name none), and when the log cannot be written
the answer is an error, never the payloads. `/encode` seals payloads for staff and
coordinators, who may act; auditors and partners act through nothing here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.logs import get_logger
from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.encryption import DecryptionError, EncryptionCodec
from parcours.app.read_log import ReadCommand, log_reads
from parcours.app.staff_access import AccessRefused, StaffCheck
from parcours.codec.payloads import BadBody, body_of, open_payloads, parse_body, seal_payloads
from parcours.domain.permissions import may_read_pathways, may_see_identity
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from parcours.locale import LANGUAGES, catalogue

CHALLENGE = 'Bearer realm="parcours"'

SEALERS = frozenset({Role.STAFF, Role.COORDINATOR})
"""Who may have payloads encoded (to start or signal from the web UI): those who act."""

log = get_logger("parcours.codec")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer before CORS: status, content type, body, extra headers."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class CodecService:
    """The codec server's decisions, given its keys, its check, its read log and its
    namespace; `lang` is the language of its words when the request prefers none."""

    codec: EncryptionCodec
    check: StaffCheck
    store: Store
    namespace: str
    lang: str = "en"
    sealer: PersonSealer | None = None
    """Opens what is sealed under each person's key (identity, reasons typed)."""

    def decode(self, headers: Mapping[str, str], body: bytes, namespace: str | None) -> Reply:
        lang = self.language(headers)
        refused = self._refusal(headers, namespace, lang)
        if isinstance(refused, Reply):
            return refused
        reader = refused
        if not may_read_pathways(reader.role):
            return self.error(403, "role_decode", lang, role=reader.role.value)
        try:
            payloads = parse_body(body)
            masked, sealer = not may_see_identity(reader.role), self.sealer
            opener = None if sealer is None else sealer.open
            opened = open_payloads(self.codec, payloads, masked=masked, opener=opener)
        except BadBody:
            return self.error(400, "bad_body", lang)
        except DecryptionError as err:
            return self.error(422, "cannot_decrypt", lang, key_id=err.key_id or "?")
        if opened.decrypted:
            try:
                log_reads(self.store, reader, ReadCommand.CODEC_DECODE, opened.pathway_ids)
            except SQLAlchemyError as err:
                log.warning("codec decode refused", cause="read_log", error=type(err).__name__)
                return self.error(503, "read_log", lang, detail=type(err).__name__)
        log.info(
            "codec decode",
            actor_id=reader.actor_id,
            role=reader.role.value,
            payloads=len(payloads),
            decrypted=opened.decrypted,
            pathways=opened.pathway_ids,
        )
        return Reply(200, body_of(opened.payloads))

    def encode(self, headers: Mapping[str, str], body: bytes, namespace: str | None) -> Reply:
        lang = self.language(headers)
        refused = self._refusal(headers, namespace, lang)
        if isinstance(refused, Reply):
            return refused
        if refused.role not in SEALERS:
            role = words(lang, f"role.{refused.role.value}")
            return self.error(403, "role_encode", lang, role=role)
        try:
            sealed = seal_payloads(self.codec, parse_body(body))
        except BadBody:
            return self.error(400, "bad_body", lang)
        log.info("codec encode", actor_id=refused.actor_id, payloads=len(sealed))
        return Reply(200, body_of(sealed))

    def _refusal(
        self, headers: Mapping[str, str], namespace: str | None, lang: str
    ) -> Actor | Reply:
        """Who asks, or the reply that refuses them (another namespace, no credential)."""
        if namespace and namespace != self.namespace:
            return self.error(400, "namespace", lang, given=namespace, served=self.namespace)
        try:
            return self.check(headers)
        except AccessRefused as err:
            log.info("codec request refused", reason=err.reason)
            refusal = self.error(401, f"access.{err.reason}", lang)
            return Reply(401, refusal.body, headers={"WWW-Authenticate": CHALLENGE})

    def language(self, headers: Mapping[str, str]) -> str:
        """The request's first preferred language when parcours speaks it, else the server's."""
        lowered = {name.lower(): value for name, value in headers.items()}
        first = lowered.get("accept-language", "").split(",")[0].strip()[:2].lower()
        return first if first in LANGUAGES else self.lang

    def error(self, status: int, key: str, lang: str, **values: Any) -> Reply:
        """A refusal as JSON: `{"error": <code>, "message": <one sentence>}`."""
        message = words(lang, f"codec.error.{key}", **values)
        return Reply(status, _json({"error": key, "message": message}))


def words(lang: str, key: str, **values: Any) -> str:
    """The catalogue's text for `key` in `lang`, filled in."""
    return catalogue(lang)[key].format(**values)


def _json(document: dict[str, str]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()
