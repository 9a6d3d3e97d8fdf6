"""The worker's verdict on a start's signature (a referral, a job-dating plan): kept in the
history for good, so a read model that cannot answer gives no verdict, and the check is
tried again, instead of a refusal that would fail a valid start for ever."""

from __future__ import annotations

import pytest
from tests.cli.actor_refusals import KEY, NOW, _Book, _Down
from tests.support import meta

from parcours.app.actor_check import ActorCheck, _Start
from parcours.app.credentials import sign
from parcours.workflows.actors import ActorVerdict


def _verdict(book: object) -> ActorVerdict:
    request = sign(KEY, "ParticipantPathway", "pathway-0", meta(), [], now=NOW)
    check = ActorCheck(book, clock=lambda: NOW)  # type: ignore[arg-type]
    return check._verdict(_Start("ParticipantPathway", "pathway-0", request, []))


def test_a_start_signed_with_a_credential_in_force_holds() -> None:
    assert _verdict(_Book()) == ActorVerdict()


def test_an_unknown_credential_is_a_verdict_kept() -> None:
    assert _verdict(_Book(None)).code == "credential_unknown"


def test_credentials_that_cannot_be_read_give_no_verdict_but_a_retry() -> None:
    with pytest.raises(RuntimeError, match="cannot be read now"):
        _verdict(_Down())
