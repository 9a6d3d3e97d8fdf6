"""The refusals of signed actors, each triggered as the worker meets it, and of a referent
who holds no staff credential in force, for the catalogue check of `test_refusal_words.py`
(both languages fill every sentence)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from parcours.app.actor_check import ActorCheck
from parcours.app.credentials import issue, sign
from parcours.domain.referents import check_referent
from parcours.domain.signing import Credential, check_credential, check_signed
from parcours.domain.vocabulary import Role
from tests.support import STAFF, meta

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CREDENTIAL, KEY = issue(STAFF.actor_id, Role.STAFF, "", NOW)


class _Book:
    def __init__(self, credential: Credential | None = CREDENTIAL) -> None:
        self._credential = credential

    def credential(self, key_id: str) -> Credential | None:
        return self._credential


class _Down:
    def credential(self, key_id: str) -> Credential | None:
        raise ConnectionError("the read model is down")


def _check(book: object, signed_at: datetime = NOW, *, alter: bool = False) -> None:
    request = sign(KEY, "record_contact", "pathway-0", meta(), [], now=signed_at)
    if alter:
        request = replace(request, reason="changed")
    ActorCheck(book, clock=lambda: NOW).check("record_contact", "pathway-0", request, [])  # type: ignore[arg-type]


def _revoked() -> None:
    check_credential(replace(CREDENTIAL, revoked_at=NOW), sign(KEY, "a", "b", meta(), []))


def _referent(credential: Credential | None) -> None:
    check_referent(STAFF.actor_id, [] if credential is None else [credential])


SIGNED_ACTOR_REFUSALS: list[tuple[str, Callable[[], None]]] = [
    ("signature_missing", lambda: check_signed(meta(), NOW)),
    ("signature_stale", lambda: _check(_Book(), NOW - timedelta(minutes=6))),
    ("signature_invalid", lambda: _check(_Book(), alter=True)),
    ("credential_unknown", lambda: _check(_Book(None))),
    ("credential_revoked", _revoked),
    ("credential_grants_other", lambda: _check(_Book(replace(CREDENTIAL, role=Role.AUDITOR)))),
    ("credentials_unavailable", lambda: _check(_Down())),
    ("referent_unknown", lambda: _referent(None)),
    ("referent_unknown", lambda: _referent(replace(CREDENTIAL, revoked_at=NOW))),
    ("referent_role", lambda: _referent(replace(CREDENTIAL, role=Role.PARTNER))),
]
