"""Whether each request of a history proves who sent it: its signature checked again.

The history keeps every request as it was sent: its `RequestMeta`, with the credential's
key id, when it was signed and the signature (`domain.signing`). Credentials are never
deleted, only revoked, so a signature can be checked again long after: the trail says,
for each event, whether the request that recorded it carries a signature that holds
under its credential's public key.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from parcours.app.credentials import CredentialBook, signature_holds
from parcours.audit.recording import Recording
from parcours.domain.erasure import ErasePerson
from parcours.domain.records import RequestMeta
from parcours.workflows.actors import referral_content
from parcours.workflows.messages import WORKFLOW_TYPE, update_name


class Proof(StrEnum):
    VALID = "valid"
    """Signed, and the signature holds under the credential it names."""
    INVALID = "invalid"
    """Signed, but the signature does not hold: the history was altered."""
    UNKNOWN_KEY = "unknown_key"
    """Signed by a credential this read model does not hold (another service's)."""
    HANDED_ON = "handed_on"
    """Handed on by parcours (a job-dating's outcome) after checking the recording."""
    UNSIGNED = "unsigned"
    """Sent before signed actors, in the declared-roles mode, or decided by parcours."""


def proofs(recording: Recording, book: CredentialBook) -> dict[str, Proof]:
    """The proof of every request of the history, by request id."""
    return {
        meta.request_id: _proof(book, meta, action, target, content)
        for meta, action, target, content in _requests(recording)
    }


def _requests(recording: Recording) -> Iterator[tuple[RequestMeta, str, str, list[Any]]]:
    referral = referral_content(recording.programme_data, recording.referral)
    yield recording.referral_meta, WORKFLOW_TYPE, recording.workflow_id, referral
    for task in recording.tasks:
        for sent in task.commands:
            if sent.from_update:
                name = update_name(type(sent.command))
                yield sent.meta, name, recording.workflow_id, _signed_content(sent.command)


def _signed_content(command: object) -> list[Any]:
    """What the request's signature covers besides it: the update's other arguments. An
    erasure's update carries its request alone (the fold's `ErasePerson` stands for it)."""
    return [] if isinstance(command, ErasePerson) else [command]


def _proof(
    book: CredentialBook, meta: RequestMeta, action: str, target: str, content: list[Any]
) -> Proof:
    if meta.handed_by:
        return Proof.HANDED_ON
    if not meta.signature:
        return Proof.UNSIGNED
    credential = book.credential(meta.key_id)
    if credential is None:
        return Proof.UNKNOWN_KEY
    holds = signature_holds(credential, action, target, meta, content)
    return Proof.VALID if holds else Proof.INVALID
