"""Which messages a retry sends again: a pure domain decision, tested without Temporal.

The same event, the same partner kind, the same minimised fields and keys as the first
time, and nothing once consent no longer holds; refused to roles that may not retry.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.erasure import erase
from parcours.domain.errors import MoveRefused, NotPermitted, UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.routing import (
    check_retry,
    notifications_for,
    notifications_to_retry,
    retry_target,
)
from parcours.domain.vocabulary import PartnerKind, Role
from parcours.programmes import get_programme
from parcours.workflows.messages import participant_fields
from tests.samples import ATP_CRITERIA
from tests.support import COORDINATOR, T0, meta, participant, referral

ATP = get_programme("atp-cergy")
FIELDS = participant_fields(participant())
LATER = T0 + timedelta(days=30)


def intake_told_to_the_referrer() -> Pathway:
    pathway = Pathway.refer(ATP, "pathway-00000000000000aa", referral(), meta(), T0)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0), meta(), T0)
    pathway.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0 + timedelta(days=1))
    return pathway


def intake_key(pathway: Pathway, suffix: str = "") -> str:
    seq = pathway.state.timeline[-1].seq
    return f"{pathway.state.pathway_id}:{seq}:referrer{suffix}"


def test_a_retry_sends_what_the_event_sent_the_first_time() -> None:
    pathway = intake_told_to_the_referrer()
    state = pathway.state
    event, kind = retry_target(intake_key(pathway, ":CCAS"), state)
    assert (event.kind, kind) == ("intake_completed", PartnerKind.REFERRER)

    again = notifications_to_retry(event, state, ATP, FIELDS, kind=kind, now=LATER)

    first = notifications_for([event], state, ATP, FIELDS)
    assert again == [i for i in first if i.partner_kind is PartnerKind.REFERRER]
    assert [i.key for i in again] == [intake_key(pathway)]


def test_nothing_once_consent_is_withdrawn() -> None:
    pathway = intake_told_to_the_referrer()
    key = intake_key(pathway)
    pathway.execute(c.WithdrawConsent(PartnerKind.REFERRER, LATER), meta(), LATER)
    event, kind = retry_target(key, pathway.state)
    assert notifications_to_retry(event, pathway.state, ATP, FIELDS, kind=kind, now=LATER) == []
    with pytest.raises(MoveRefused) as refused:
        check_retry(key, pathway.state, ATP, FIELDS, role=Role.COORDINATOR, now=LATER)
    assert refused.value.rule == "consent_required"


@pytest.mark.parametrize("role", [Role.STAFF, Role.COORDINATOR], ids=str)
def test_staff_and_coordinators_may_retry(role: Role) -> None:
    pathway = intake_told_to_the_referrer()
    intents = check_retry(intake_key(pathway), pathway.state, ATP, FIELDS, role=role, now=LATER)
    assert [i.partner_kind for i in intents] == [PartnerKind.REFERRER]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.AUDITOR, Role.SYSTEM], ids=str)
def test_other_roles_may_not(role: Role) -> None:
    pathway = intake_told_to_the_referrer()
    with pytest.raises(NotPermitted) as refused:
        check_retry(intake_key(pathway), pathway.state, ATP, FIELDS, role=role, now=LATER)
    assert refused.value.message == f"the {role.value} role may not retry notification"


@pytest.mark.parametrize(
    "key",
    [
        "pathway-00000000000000aa:99:referrer",
        "pathway-00000000000000aa:1:referrer",
        "pathway-00000000000000aa:2:temp_agency",
        "pathway-00000000000000aa:2:astrologer",
        "pathway-00000000000000bb:2:referrer",
        "pathway-00000000000000aa",
        "",
    ],
)
def test_a_key_naming_no_notification_is_unknown(key: str) -> None:
    pathway = intake_told_to_the_referrer()
    with pytest.raises(UnknownReference):
        check_retry(key, pathway.state, ATP, FIELDS, role=Role.COORDINATOR, now=LATER)


def test_the_role_is_refused_before_the_key_is_read() -> None:
    pathway = intake_told_to_the_referrer()
    with pytest.raises(NotPermitted):
        check_retry("nonsense", pathway.state, ATP, FIELDS, role=Role.AUDITOR, now=LATER)


def test_nothing_is_sent_again_once_the_person_is_erased() -> None:
    pathway = intake_told_to_the_referrer()
    key = intake_key(pathway)
    check_retry(key, pathway.state, ATP, FIELDS, role=Role.COORDINATOR, now=LATER)  # owed

    erase(pathway.state, meta(COORDINATOR, reason="asked by the person"), LATER, pathway._record)

    with pytest.raises(MoveRefused) as refused:
        check_retry(key, pathway.state, ATP, FIELDS, role=Role.COORDINATOR, now=LATER)
    assert refused.value.code == "retry_erased"
    assert refused.value.values == {"erased_at": LATER.date().isoformat()}
