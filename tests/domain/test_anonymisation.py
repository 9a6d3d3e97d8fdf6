"""Retention by the last contact in the pure domain: when the person is to be anonymised,
when the coordinator is warned, what counts as contact, the coordinator's extension and
the anonymisation itself."""

from __future__ import annotations

import tomllib
from datetime import datetime

import pytest

from parcours.domain import anonymisation as a
from parcours.domain import commands as c
from parcours.domain.alerts import due_alerts, follow_pathway
from parcours.domain.calendar import add_months
from parcours.domain.erasure import (
    anonymisation_reason,
    anonymise,
    service_reason,
    unfinished_reason,
)
from parcours.domain.errors import MoveRefused, NotPermitted
from parcours.domain.pathway import Pathway
from parcours.domain.programme import parse_programme
from parcours.domain.records import Actor, Alert
from parcours.domain.resolution import follow_extension
from parcours.domain.retention import retention_ends_at
from parcours.domain.vocabulary import AlertRule, AlertStatus, ExitReason, Role, Stage
from parcours.programmes import CATALOGUE_DIR
from tests.domain.helpers import ATP, DAY, HOUR, drive_to
from tests.support import COORDINATOR, STAFF, T0, meta, referral


def followed() -> tuple[Pathway, datetime]:
    """A coached pathway that follows the retention by the last contact."""
    pathway, now = drive_to(ATP, Stage.COACHING)
    a.adopt(pathway.state)
    return pathway, now


def test_defaults_are_two_years_and_thirty_days() -> None:
    data = tomllib.loads((CATALOGUE_DIR / "atp-cergy.v1.toml").read_text(encoding="utf-8"))
    data["timers"].pop("anonymise_after_last_contact_months", None)
    data["timers"].pop("retention_warning_days", None)
    programme = parse_programme(data, source="atp-cergy.v1.toml")
    assert programme.timers.anonymise_after_last_contact_months == 24
    assert programme.timers.retention_warning_days == 30


def test_a_pathway_recorded_before_the_rule_keeps_the_old_one() -> None:
    pathway, _now = drive_to(ATP, Stage.COACHING)
    assert a.retention_due_at(pathway.state, ATP) is None
    assert a.warning_due_at(pathway.state, ATP) is None


def test_due_months_after_the_last_staff_entry_not_after_service_events() -> None:
    pathway, now = followed()
    last = a.last_contact(pathway.state)
    assert last == max(e.at for e in pathway.state.timeline)
    due = a.retention_due_at(pathway.state, ATP)
    assert due == add_months(last, 24)
    assert a.warning_due_at(pathway.state, ATP) == due - 30 * DAY
    pathway.raise_due_alerts(now + 200 * DAY)  # alerts the service raises: no contact
    assert a.retention_due_at(pathway.state, ATP) == due
    assert not a.retention_over(pathway.state, ATP, due - HOUR)
    assert a.retention_over(pathway.state, ATP, due)


def test_a_contact_moves_the_due_date() -> None:
    pathway, now = followed()
    later = now + 100 * DAY
    pathway.execute(c.RecordContact(later), meta(), later)
    assert a.retention_due_at(pathway.state, ATP) == add_months(later, 24)


def test_an_exited_pathway_stays_open_until_the_anonymisation() -> None:
    pathway, now = followed()
    pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason="hired"), now)
    assert pathway.state.stage is Stage.EXITED
    assert retention_ends_at(pathway.state, ATP) is None
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    assert pathway.next_alert_at(due - HOUR) == due


def test_the_warning_is_a_coordinator_alert() -> None:
    pathway, _now = followed()
    warning = a.warning_due_at(pathway.state, ATP)
    assert warning is not None
    rules = {d.rule for d in due_alerts(pathway.state, ATP, warning)}
    assert AlertRule.RETENTION_DUE in rules
    assert AlertRule.RETENTION_DUE not in {
        d.rule for d in due_alerts(pathway.state, ATP, warning - HOUR)
    }


def test_never_anonymised_sooner_than_the_warning_period_after_the_warning() -> None:
    """A warning raised late (a pathway entered after the fact, its due date long past)
    leaves the coordinator the whole period; acknowledging it does not move the date."""
    pathway, _now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    late = due + 100 * DAY
    pathway.raise_due_alerts(late)
    warning = next(x for x in pathway.state.alerts if x.rule is AlertRule.RETENTION_DUE)
    assert warning.raised_at == late
    assert a.anonymise_at(pathway.state, ATP) == late + 30 * DAY
    assert not a.retention_over(pathway.state, ATP, late + 30 * DAY - HOUR)
    pathway.execute(c.AcknowledgeAlert(warning.alert_id), meta(COORDINATOR), late + HOUR)
    assert a.anonymise_at(pathway.state, ATP) == late + 30 * DAY
    assert a.retention_over(pathway.state, ATP, late + 30 * DAY)


def test_a_voided_contact_is_no_contact() -> None:
    pathway, now = followed()
    before = a.retention_due_at(pathway.state, ATP)
    later = now + 100 * DAY
    contact = pathway.execute(c.RecordContact(later), meta(), later)
    assert a.retention_due_at(pathway.state, ATP) == add_months(later, 24)
    pathway.execute(c.CorrectEvent(contact.seq), meta(reason="wrong file"), later + HOUR)
    assert a.retention_due_at(pathway.state, ATP) == before


def test_a_correction_keeps_the_rule_and_the_coordinators_extension() -> None:
    pathway, now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    until = due + 400 * DAY
    a.extend(
        pathway.state, ATP, meta(COORDINATOR, "court case"), until, now=now, record=pathway._record
    )
    contact = pathway.execute(c.RecordContact(now + DAY), meta(), now + DAY)
    pathway.execute(c.CorrectEvent(contact.seq), meta(reason="wrong file"), now + 2 * DAY)
    assert a.by_last_contact(pathway.state)
    assert a.retention_due_at(pathway.state, ATP) == until


def test_a_coordinator_extends_with_a_reason_to_a_later_date() -> None:
    pathway, now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    until = due + 90 * DAY
    event = a.extend(
        pathway.state, ATP, meta(COORDINATOR, "court case"), until, now=now, record=pathway._record
    )
    assert event.kind == "retention_extended"
    assert a.retention_due_at(pathway.state, ATP) == until
    assert a.last_contact(pathway.state) < now  # an extension is no contact


@pytest.mark.parametrize(
    ("who", "reason", "shift", "error", "rule"),
    [
        (STAFF, "court case", 90, NotPermitted, "role_permission"),
        (COORDINATOR, " ", 90, MoveRefused, "extend_reason"),
        (COORDINATOR, "court case", 0, MoveRefused, "extend_until"),
        (COORDINATOR, "court case", -10, MoveRefused, "extend_until"),
    ],
)
def test_an_extension_is_refused_in_one_sentence(
    who: Actor, reason: str, shift: int, error: type[Exception], rule: str
) -> None:
    pathway, now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    with pytest.raises(error) as refused:
        a.check_extension(pathway.state, ATP, meta(who, reason), due + shift * DAY, now)
    assert getattr(refused.value, "rule", None) == rule
    assert "\n" not in str(refused.value)


def test_an_extension_goes_at_most_the_programme_s_months_ahead() -> None:
    pathway, _now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    at = due - 30 * DAY  # when the coordinator is warned
    latest = add_months(at, ATP.timers.retention_max_extension_months)
    assert ATP.timers.retention_max_extension_months == 24
    a.check_extension_limit(ATP, latest, at)  # the latest date allowed is accepted
    with pytest.raises(MoveRefused) as refused:
        a.check_extension_limit(ATP, latest + DAY, at)
    assert refused.value.code == "extend_too_far"
    assert str(refused.value) == (
        "an extension may go at most 24 months ahead: the latest date allowed is "
        f"{latest.date().isoformat()}"
    )
    # An extension already recorded further (before the limit, in a replayed history)
    # is still applied: only a new request is held to the limit.
    coordinator = meta(COORDINATOR, "court case")
    a.extend(pathway.state, ATP, coordinator, latest + 400 * DAY, now=at, record=pathway._record)
    assert a.retention_due_at(pathway.state, ATP) == latest + 400 * DAY


def test_an_extension_in_the_past_is_refused() -> None:
    pathway, _now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    with pytest.raises(MoveRefused):
        a.check_extension(pathway.state, ATP, meta(COORDINATOR, "x"), due + DAY, due + 2 * DAY)


def test_the_anonymisation_erases_and_closes_by_the_service() -> None:
    pathway, _now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    since = a.last_contact(pathway.state).date().isoformat()
    event = anonymise(pathway.state, due, pathway._record)
    assert event.kind == "person_erased"
    assert event.role is Role.SYSTEM
    assert event.actor_id == "parcours"
    assert event.reason == f"retention: no contact since {since}"
    assert pathway.state.erased_at == due
    assert pathway.state.closed_at == due
    assert a.retention_due_at(pathway.state, ATP) is None
    assert pathway.allowed_triggers() == ()


def warned(*, follows: bool, exited: bool = False) -> tuple[Pathway, datetime]:
    """A pathway under the alert rules that follow it, warned on its day (exited first
    when `exited`); its warning follows the due date when `follows`."""
    pathway, now = followed()
    follow_pathway(pathway.state, now)
    if follows:
        a.follow_due_date(pathway.state)
    if exited:
        pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason="hired"), now)
    warning = a.warning_due_at(pathway.state, ATP)
    assert warning is not None
    pathway.raise_due_alerts(warning)
    return pathway, warning


def retention_warnings(pathway: Pathway) -> list[Alert]:
    return [x for x in pathway.state.alerts if x.rule is AlertRule.RETENTION_DUE]


def extend_by_90_days(pathway: Pathway, now: datetime) -> datetime:
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    until = due + 90 * DAY
    event = a.extend(
        pathway.state, ATP, meta(COORDINATOR, "court case"), until, now=now, record=pathway._record
    )
    follow_extension(pathway.state, ATP, event, pathway._record)
    return until


@pytest.mark.parametrize("exited", [False, True])
def test_an_extension_resolves_the_warning_and_a_new_one_comes(exited: bool) -> None:
    pathway, now = warned(follows=True, exited=exited)
    (first,) = retention_warnings(pathway)
    until = extend_by_90_days(pathway, now + HOUR)
    assert first.status is AlertStatus.RESOLVED
    assert first.handled_by == "parcours"
    resolved = pathway.state.timeline[-1]
    assert (resolved.kind, resolved.details["alert_id"]) == ("alert_resolved", first.alert_id)
    assert resolved.details["closed_by"] == str(pathway.state.timeline[-2].seq)
    assert pathway.state.timeline[-2].kind == "retention_extended"
    early = due_alerts(pathway.state, ATP, until - 30 * DAY - HOUR)
    assert AlertRule.RETENTION_DUE not in {d.rule for d in early}
    pathway.raise_due_alerts(until - 30 * DAY)
    second = retention_warnings(pathway)[-1]
    assert (second.status, second.raised_at) == (AlertStatus.OPEN, until - 30 * DAY)
    assert a.anonymise_at(pathway.state, ATP) == until


def test_before_the_rule_the_warning_stays_open_after_an_extension() -> None:
    """Pathways whose run started before `WARNING_FOLLOWS` keep what they did (replayed)."""
    pathway, now = warned(follows=False, exited=True)
    extend_by_90_days(pathway, now + HOUR)
    assert [x.status for x in retention_warnings(pathway)] == [AlertStatus.OPEN]
    assert pathway.state.timeline[-1].kind == "retention_extended"


@pytest.mark.parametrize("follows", [False, True])
def test_a_contact_after_exit_resolves_the_warning_once_it_follows(follows: bool) -> None:
    pathway, now = warned(follows=follows, exited=True)
    pathway.execute(c.RecordContact(now + HOUR), meta(), now + HOUR)
    (warning,) = retention_warnings(pathway)
    assert warning.status is (AlertStatus.RESOLVED if follows else AlertStatus.OPEN)
    assert a.retention_due_at(pathway.state, ATP) == add_months(now + HOUR, 24)


def test_only_a_pathway_that_follows_the_rule_follows_the_due_date() -> None:
    pathway, _now = drive_to(ATP, Stage.COACHING)
    a.follow_due_date(pathway.state)
    assert not a.warning_follows(pathway.state)
    a.adopt(pathway.state)
    a.follow_due_date(pathway.state)
    assert a.warning_follows(pathway.state)
    a.adopt(pathway.state)  # adopting again keeps it
    assert a.warning_follows(pathway.state)


def test_a_coordinator_makes_an_earlier_pathway_follow_the_rule_now() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    assert a.retention_due_at(pathway.state, ATP) is None
    with pytest.raises(NotPermitted) as staff:
        a.adopt_now(pathway.state, ATP, meta(STAFF), now=now, record=pathway._record)
    assert staff.value.code == "adopt_role"
    event = a.adopt_now(pathway.state, ATP, meta(COORDINATOR), now=now, record=pathway._record)
    assert event is not None
    assert event.kind == "retention_adopted"
    assert a.warning_follows(pathway.state)
    due = add_months(a.last_contact(pathway.state), 24)
    assert event.details == {"due": due.isoformat(), "was_rule": "1"}
    assert a.last_contact(pathway.state) < now  # adopting is no contact
    again = a.adopt_now(pathway.state, ATP, meta(COORDINATOR), now=now, record=pathway._record)
    assert again is None
    assert [e.kind for e in pathway.state.timeline].count("retention_adopted") == 1


def test_an_idle_pathway_adopting_the_rule_is_warned_before_it_is_anonymised() -> None:
    """Its last contact three years ago: not anonymised at once, but the warning period
    after the warning the adoption makes due, which the run loop raises first (it raises
    what is due before it asks whether the retention is over)."""
    pathway, now = drive_to(ATP, Stage.COACHING)
    follow_pathway(pathway.state, now)
    later = now + 3 * 365 * DAY
    a.adopt_now(pathway.state, ATP, meta(COORDINATOR), now=later, record=pathway._record)
    pathway.raise_due_alerts(later)
    assert [x.raised_at for x in retention_warnings(pathway)] == [later]
    assert not a.retention_over(pathway.state, ATP, later + 30 * DAY - HOUR)
    assert a.anonymise_at(pathway.state, ATP) == later + 30 * DAY


def test_a_closed_or_erased_pathway_refuses_to_adopt_the_rule() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    anonymise(pathway.state, now, pathway._record)
    with pytest.raises(MoveRefused) as refused:
        a.check_adoption(pathway.state, meta(COORDINATOR))
    assert refused.value.code == "adopt_closed"


def test_an_ended_pathway_falls_due_by_the_last_contact_whatever_its_rule() -> None:
    """A pathway whose run ended under the earlier rule: its due date is by the last
    contact all the same (what `retention sweep` erases), with no warning period, and an
    extension recorded before it ended still counts; none once its person is erased."""
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason="hired"), now)
    state = pathway.state
    assert a.retention_due_at(state, ATP) is None  # the earlier rule: no anonymisation
    due = add_months(a.last_contact(state), 24)
    assert a.ended_due_at(state, ATP) == due
    assert a.ended_retention_over(state, ATP, due - HOUR) is None
    assert a.ended_retention_over(state, ATP, due) == due
    state.retention_until = due + 90 * DAY
    assert a.ended_retention_over(state, ATP, due + DAY) is None
    assert a.ended_retention_over(state, ATP, due + 90 * DAY) == due + 90 * DAY
    state.erased_at = now
    assert a.ended_due_at(state, ATP) is None
    assert a.ended_retention_over(state, ATP, due + 900 * DAY) is None


def test_no_extension_while_the_record_is_kept_beyond_the_limit_already() -> None:
    """A contact today with both periods at 24 months: the due date is the latest date an
    extension may reach, so none is possible yet; said once, not as two sentences that
    contradict each other."""
    pathway, _now = followed()
    due = a.retention_due_at(pathway.state, ATP)
    assert due is not None
    at = add_months(due, -ATP.timers.retention_max_extension_months)
    with pytest.raises(MoveRefused) as refused:
        a.check_extension_limit(ATP, due + DAY, at, due)
    assert refused.value.code == "extend_not_yet"
    assert refused.value.values["after"] == at.isoformat()
    a.check_extension_limit(ATP, due + DAY, at + DAY, due)  # a day later: possible


def test_the_anonymisation_reason_gives_back_its_day() -> None:
    state = Pathway.refer(ATP, "pathway-0a1b2c3d4e5f6a7b", referral(), meta(), T0).state
    said = anonymisation_reason(state)
    assert service_reason(said) == ("no_contact_since", "2026-01-05")
    assert service_reason(unfinished_reason(T0)) == ("unfinished_on", "2026-01-05")
    assert service_reason("asked by the person") is None
    assert service_reason("retention: no contact since last spring") is None
