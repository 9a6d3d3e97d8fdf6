"""The refusals of sessions and job-datings, each triggered through the pure domain, for
`test_refusal_words.py` to check their words in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from parcours.domain.jobdating import (
    Candidate,
    JobDatingEvent,
    OutcomeEntry,
    check_agency,
    check_candidate,
    check_invite,
    check_outcomes,
    check_role,
)
from parcours.domain.jobdating_notices import check_resend_before_the_day, message_to_retry
from parcours.domain.referring import check_referrer
from parcours.domain.sessions import (
    Session,
    SessionStatus,
    check_capacity,
    check_close,
    check_referral_into,
    session_exists,
    unopened,
)
from parcours.domain.vocabulary import JobDatingOutcome, PartnerKind, Role, Stage
from tests.domain.helpers import ATP, drive_to
from tests.support import T0

DAY = timedelta(days=1)
MARCH = Session("nouveau-depart", "2017-03", T0, capacity=9)
CLOSED = Session("nouveau-depart", "2017-03", T0, status=SessionStatus.CLOSED)
BY_THE_NID = Session("nouveau-depart", "2017-03", T0, referrers=["Amicale du Nid"])
EVENT = JobDatingEvent("jobdating-0001", "atp-cergy", T0, "Cergy", ["Adecco"], [Candidate("pw-1")])
APPLIED = JobDatingEvent(
    "jobdating-0001", "atp-cergy", T0, "Cergy", ["Adecco"], [Candidate("pw-1", seq=4)]
)
HIRED = JobDatingOutcome.HIRED


def _not_ready() -> None:
    pathway, now = drive_to(ATP, Stage.TRAINING)
    check_candidate(pathway, "atp-cergy", now)


def _other_programme() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    check_candidate(pathway, "nouveau-depart", now)


def _before_stage() -> None:
    pathway, _ = drive_to(ATP, Stage.COACHING)
    check_candidate(pathway, "atp-cergy", pathway.state.stage_since - DAY)


def _retry(key: str) -> None:
    message_to_retry(EVENT, key)


def _raise_exists() -> None:
    raise session_exists("nouveau-depart", "2017-03")


def _close(session: Session) -> None:
    check_close(session, session.programme, session.name)


PROGRAMME_RUN_REFUSALS: list[tuple[str, Callable[[], None]]] = [
    ("session_unknown", lambda: check_referral_into(None, "nouveau-depart", "2018-03", 0)),
    ("session_closed", lambda: check_referral_into(CLOSED, "nouveau-depart", "2017-03", 0)),
    ("session_full", lambda: check_referral_into(MARCH, "nouveau-depart", "2017-03", 9)),
    ("session_not_opened", lambda: _close(unopened("atp-cergy", "2017-06", T0))),
    ("jobdating_before_stage", _before_stage),
    ("session_capacity_below", lambda: check_capacity(2, 3, "2026-12")),
    ("session_exists", _raise_exists),
    (
        "referrer_not_in_session",
        lambda: check_referral_into(BY_THE_NID, "nouveau-depart", "2017-03", 0, "CCAS"),
    ),
    ("partner_unknown", lambda: check_referrer("Nobody", None, active=False)),
    ("partner_not_referrer", lambda: check_referrer("A2I", PartnerKind.TEMP_AGENCY, active=True)),
    ("agency_unknown", lambda: check_agency("Nobody", None, active=False)),
    ("agency_not_temp_agency", lambda: check_agency("CCAS", PartnerKind.REFERRER, active=True)),
    ("jobdating_programme", _other_programme),
    ("jobdating_stage", _not_ready),
    ("jobdating_past", lambda: check_invite(EVENT, T0 + DAY)),
    ("jobdating_resend_past", lambda: check_resend_before_the_day(EVENT, T0 + DAY)),
    ("jobdating_not_yet", lambda: check_outcomes(EVENT, [OutcomeEntry("pw-1", HIRED)], T0 - DAY)),
    ("jobdating_role", lambda: check_role(Role.AUDITOR)),
    ("outcome_recorded", lambda: check_outcomes(APPLIED, [OutcomeEntry("pw-1", HIRED)], T0)),
    (
        "agency_not_taking_part",
        lambda: check_outcomes(EVENT, [OutcomeEntry("pw-1", HIRED, "Randstad")], T0),
    ),
    ("candidate_unknown", lambda: check_outcomes(EVENT, [OutcomeEntry("pw-9", HIRED)], T0)),
    ("unknown_jobdating_message", lambda: _retry("jobdating-0001:note:Adecco")),
]

SAID_BY_THE_GROUP_ACTION = frozenset({"pathway_unknown"})
"""A coaching day names a pathway of the session the service no longer has (`app.sessions`)."""
