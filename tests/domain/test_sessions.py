"""The rules of a programme's sessions: what a referral into one and a group action need."""

from __future__ import annotations

import pytest

from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.sessions import (
    Session,
    SessionRejected,
    SessionStatus,
    check_close,
    check_known_session,
    check_new_session,
    check_referral_into,
    coaching_day,
    in_group,
    member_request_id,
    unchecked_month_session,
)
from parcours.domain.vocabulary import Stage
from tests.support import T0

MARCH = Session("nouveau-depart", "2017-03", T0, capacity=9, referrers=["Amicale du Nid"])


def test_a_referral_goes_into_an_open_session_with_room() -> None:
    check_referral_into(MARCH, "nouveau-depart", "2017-03", people=8)


@pytest.mark.parametrize(
    ("session", "people", "rule", "code"),
    [
        (None, 0, "unknown_reference", "session_unknown"),
        (
            Session("nouveau-depart", "2017-03", T0, status=SessionStatus.CLOSED),
            0,
            "session_closed",
            "session_closed",
        ),
        (MARCH, 9, "session_full", "session_full"),
    ],
    ids=["unknown", "closed", "full"],
)
def test_a_referral_is_refused_naming_the_rule(
    session: Session | None, people: int, rule: str, code: str
) -> None:
    with pytest.raises((MoveRefused, UnknownReference)) as refused:
        check_referral_into(session, "nouveau-depart", "2017-03", people)
    assert (refused.value.rule, refused.value.code) == (rule, code)


def test_a_full_session_says_how_full() -> None:
    with pytest.raises(MoveRefused) as refused:
        check_referral_into(MARCH, "nouveau-depart", "2017-03", people=9)
    assert refused.value.values == {"session": "2017-03", "people": "9", "capacity": "9"}


def test_without_capacity_a_session_never_fills() -> None:
    open_ended = Session("atp-cergy", "2026-12", T0)
    check_referral_into(open_ended, "atp-cergy", "2026-12", people=10_000)


@pytest.mark.parametrize(
    ("name", "capacity", "field", "fault"),
    [
        ("  ", None, "name", "blank"),
        ("2017\u202e-03", None, "name", "bidi"),
        ("x" * 65, None, "name", "long"),
        ("2017-03", 0, "capacity", "not_positive"),
    ],
)
def test_a_new_session_is_checked(name: str, capacity: int | None, field: str, fault: str) -> None:
    with pytest.raises(SessionRejected) as rejected:
        check_new_session(name, capacity)
    assert (rejected.value.field, rejected.value.fault) == (field, fault)


def test_a_session_closes_once() -> None:
    assert check_close(MARCH, "nouveau-depart", "2017-03") is MARCH
    closed = Session("nouveau-depart", "2017-03", T0, status=SessionStatus.CLOSED)
    with pytest.raises(MoveRefused) as refused:
        check_close(closed, "nouveau-depart", "2017-03")
    assert refused.value.rule == "session_closed"


def test_a_group_action_reaches_every_pathway_but_exited_ones_under_derived_ids() -> None:
    assert [s for s in Stage if not in_group(s)] == [Stage.EXITED]
    assert member_request_id("req-1", "pathway-ab") == "req-1:pathway-ab"
    assert member_request_id("req-1", "pathway-ab") != member_request_id("req-2", "pathway-ab")
    assert coaching_day(T0).started_at == T0


def test_a_referral_comes_from_one_of_the_sessions_referring_partners() -> None:
    check_referral_into(MARCH, "nouveau-depart", "2017-03", 0, referrer="Amicale du Nid")
    with pytest.raises(MoveRefused) as refused:
        check_referral_into(MARCH, "nouveau-depart", "2017-03", 0, referrer="SOS femmes")
    assert refused.value.rule == "referrer_not_in_session"
    assert refused.value.values == {
        "referrer": "SOS femmes",
        "session": "2017-03",
        "referrers": "Amicale du Nid",
    }
    anyone = Session("nouveau-depart", "2017-09", T0)  # opened naming no referrer
    check_referral_into(anyone, "nouveau-depart", "2017-09", 0, referrer="SOS femmes")
    check_referral_into(MARCH, "nouveau-depart", "2017-03", 0)  # a re-entry: no referrer


def test_a_referral_without_a_session_is_checked_only_where_its_month_has_one() -> None:
    assert unchecked_month_session(None, named=False)
    assert not unchecked_month_session(MARCH, named=False)  # the month's session keeps its rules
    assert not unchecked_month_session(None, named=True)  # a session named must exist


def test_a_report_names_a_session_opened_or_referred_into() -> None:
    check_known_session(MARCH, "nouveau-depart", "2017-03", people=0)  # opened, empty
    check_known_session(None, "nouveau-depart", "2017-04", people=3)  # a month's, imported
    with pytest.raises(UnknownReference) as refused:
        check_known_session(None, "nouveau-depart", "faute", people=0)
    assert refused.value.code == "session_unknown"
