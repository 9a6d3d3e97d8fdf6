"""The rules of signed actors, pure: what a signature covers and how fresh it must be."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.records import Actor
from parcours.domain.signing import (
    SIGNATURE_MAX_AGE,
    SIGNATURE_SKEW,
    ActorRefused,
    Credential,
    canonical,
    check_credential,
    check_signed,
    digest,
    signed_text,
)
from parcours.domain.vocabulary import Role
from parcours.workflows.actors import referral_content
from tests.support import COORDINATOR, STAFF, T0, meta

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SIGNED = replace(meta(STAFF, "a reason"), key_id="key-1", signature="sig", signed_at=NOW)
CREDENTIAL = Credential("key-1", STAFF.actor_id, Role.STAFF, "pk", NOW)


def test_every_part_of_the_request_changes_what_is_signed() -> None:
    base = signed_text("record_contact", "pathway-1", SIGNED, [c.RecordContact(T0)])
    changed = [
        signed_text("open_barrier", "pathway-1", SIGNED, [c.RecordContact(T0)]),
        signed_text("record_contact", "pathway-2", SIGNED, [c.RecordContact(T0)]),
        signed_text("record_contact", "pathway-1", replace(SIGNED, request_id="r2"), []),
        signed_text("record_contact", "pathway-1", replace(SIGNED, actor=COORDINATOR), []),
        signed_text("record_contact", "pathway-1", replace(SIGNED, reason="other"), []),
        signed_text("record_contact", "pathway-1", replace(SIGNED, effective_at=T0), []),
        signed_text("record_contact", "pathway-1", replace(SIGNED, key_id="key-2"), []),
        signed_text("record_contact", "pathway-1", SIGNED, [c.RecordContact(T0 + timedelta(1))]),
    ]
    assert base not in changed
    assert len(set(changed)) == len(changed)
    unsigned_part = replace(SIGNED, signature="other")  # the signature is not signed
    assert signed_text("record_contact", "pathway-1", unsigned_part, [c.RecordContact(T0)]) == base


def test_content_reads_the_same_after_the_converter_carried_it() -> None:
    local = T0.astimezone(datetime.now().astimezone().tzinfo)
    assert canonical([c.RecordContact(local)]) == canonical([c.RecordContact(T0)])
    assert canonical((1, Role.STAFF)) == canonical([1, "staff"])


@pytest.mark.parametrize(
    ("signed_at", "fresh"),
    [
        (NOW, True),
        (NOW - SIGNATURE_MAX_AGE, True),
        (NOW - SIGNATURE_MAX_AGE - timedelta(seconds=1), False),
        (NOW + SIGNATURE_SKEW, True),
        (NOW + SIGNATURE_SKEW + timedelta(seconds=1), False),
    ],
)
def test_a_signature_is_fresh_for_five_minutes(signed_at: datetime, fresh: bool) -> None:
    request = replace(SIGNED, signed_at=signed_at)
    if fresh:
        check_signed(request, NOW)
        return
    with pytest.raises(ActorRefused) as refused:
        check_signed(request, NOW)
    assert (refused.value.code, refused.value.values["minutes"]) == ("signature_stale", "5")


def test_a_credential_must_be_in_force_and_grant_the_actor_and_role() -> None:
    check_credential(CREDENTIAL, SIGNED)
    cases = {
        "credential_unknown": (None, SIGNED),
        "credential_revoked": (replace(CREDENTIAL, revoked_at=NOW), SIGNED),
        "credential_grants_other": (CREDENTIAL, replace(SIGNED, actor=COORDINATOR)),
    }
    for code, (credential, request) in cases.items():
        with pytest.raises(ActorRefused) as refused:
            check_credential(credential, request)
        assert refused.value.code == code
        assert refused.value.rule == "signed_actor"
        assert "coordinator" not in refused.value.message or code == "credential_grants_other"
    other = replace(SIGNED, actor=Actor("staff-0000", Role.STAFF))
    with pytest.raises(ActorRefused):
        check_credential(CREDENTIAL, other)


def test_a_staff_id_is_an_opaque_id_accents_allowed() -> None:
    from parcours.domain.signing import is_staff_id

    assert is_staff_id("staff-ana")
    assert is_staff_id("hélène.dupont")  # a French user's letters are letters
    assert is_staff_id("h.dupont@cergy")
    for none in ("", " ", "a", "bob smith", "_staff", "-x", "staff\u202eana", "x" * 65):
        assert not is_staff_id(none), none


def test_a_referral_signs_the_same_content_as_before_it_could_name_an_earlier_pathway() -> None:
    """A referral signed before `Refer.earlier_pathway_id` existed verifies on today's
    worker (and in the histories kept): the field, empty, is not in the signed content.
    The digest below was computed at d1d2384, before the field existed; a returning
    referral signs the earlier pathway it names."""
    programme = {"name": "atp-cergy", "version": 1}
    refer = c.Refer("CCAS", datetime(2026, 3, 2, 9, tzinfo=UTC), "2026-03", "staff-1")
    before = "2ded2c13cf4b37eccfef9c28109014fe22dc00f11faa861a6a214df9cd5b2398"
    assert digest(referral_content(programme, refer)) == before
    returning = replace(refer, earlier_pathway_id="pathway-0001")
    assert digest(referral_content(programme, returning)) != before
    other = replace(refer, earlier_pathway_id="pathway-0002")
    assert digest(referral_content(programme, other)) != digest(
        referral_content(programme, returning)
    )
