"""Life after exit in the pure domain: what an exited pathway accepts, when it closes,
what closing does to its alerts, and that nothing is accepted once it is closed."""

from __future__ import annotations

import tomllib
from datetime import timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import InvalidProgramme, MoveRefused
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition, parse_programme
from parcours.domain.records import Alert
from parcours.domain.retention import retention_ends_at
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    ExitReason,
    PartnerKind,
    Stage,
)
from parcours.programmes import CATALOGUE_DIR
from tests.domain.helpers import ATP, DAY, HOUR, ND, PROGRAMME_IDS, PROGRAMMES, drive_to
from tests.support import COORDINATOR, meta

AFTER_EXIT = {
    "withdraw_consent",
    "acknowledge_alert",
    "snooze_alert",
    "record_contact",
    "assign_referent",
    "record_notification_failure",
}
"""What both shipped programmes list from `exited`."""


def exited(programme: ProgrammeDefinition) -> tuple[Pathway, Alert]:
    """A pathway with a consent, an open alert and a snoozed one, exited on its last hour."""
    pathway, now = drive_to(programme, Stage.COACHING)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, now), meta(), now)
    for rule, subject in ((AlertRule.NO_CONTACT, "contact"), (AlertRule.INTAKE_OVERDUE, "x")):
        pathway.state.alerts.append(
            Alert(f"{rule.value}:{subject}", rule, subject, now, now, AlertAudience.REFERENT)
        )
    snoozed = pathway.state.alerts[-1]
    pathway.execute(c.SnoozeAlert(snoozed.alert_id, now + 400 * DAY), meta(), now)
    pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason="hired"), now)
    return pathway, pathway.state.alerts[0]


def test_the_shipped_programmes_set_their_retention() -> None:
    assert ATP.timers.retention_after_exit_days == 730
    assert ND.timers.retention_after_exit_days == 365


def test_retention_defaults_to_two_years_and_must_be_positive() -> None:
    data = tomllib.loads((CATALOGUE_DIR / "atp-cergy.v1.toml").read_text(encoding="utf-8"))
    del data["timers"]["retention_after_exit_days"]
    assert parse_programme(data, source="t.toml").timers.retention_after_exit_days == 730
    data["timers"]["retention_after_exit_days"] = 0
    with pytest.raises(InvalidProgramme) as refused:
        parse_programme(data, source="t.toml")
    assert str(refused.value) == (
        "t.toml: timers.retention_after_exit_days: Input should be greater than 0"
    )


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_an_exited_pathway_accepts_what_remains_due(programme: ProgrammeDefinition) -> None:
    pathway, alert = exited(programme)
    assert set(pathway.allowed_triggers()) == AFTER_EXIT
    now = pathway.state.stage_since + HOUR
    pathway.execute(c.WithdrawConsent(PartnerKind.REFERRER, now), meta(), now)
    pathway.execute(c.AcknowledgeAlert(alert.alert_id), meta(), now)
    pathway.execute(c.RecordContact(now), meta(), now)
    pathway.execute(c.AssignReferent("staff-new"), meta(COORDINATOR), now)
    assert not pathway.state.consent_valid(PartnerKind.REFERRER, now)
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert (pathway.state.stage, pathway.state.referent) == (Stage.EXITED, "staff-new")
    with pytest.raises(MoveRefused) as refused:
        pathway.check(c.GiveConsent(PartnerKind.REFERRER, now), meta())
    assert refused.value.code == "move_not_in_stage"


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_it_closes_for_good_at_the_end_of_retention(programme: ProgrammeDefinition) -> None:
    pathway, alert = exited(programme)
    outcome = pathway.state.outcome
    assert outcome is not None
    closes = outcome.exited_at + timedelta(days=programme.timers.retention_after_exit_days)
    assert retention_ends_at(pathway.state, programme) == closes
    assert pathway.summary(closes).closes_at == closes
    assert pathway.next_alert_at(closes - DAY) == closes
    assert pathway.close_if_retention_over(closes - timedelta(seconds=1)) is None

    event = pathway.close_if_retention_over(closes)
    assert event is not None
    assert (event.kind, event.actor_id, event.stage) == ("pathway_closed", "parcours", Stage.EXITED)
    open_ids = [a.alert_id for a in pathway.state.alerts]
    assert event.details == {
        "exited_at": outcome.exited_at.isoformat(),
        "alerts_closed": " ".join(open_ids),
    }
    assert {a.status for a in pathway.state.alerts} == {AlertStatus.CLOSED}
    assert all(a.snoozed_until is None and a.handled_at == closes for a in pathway.state.alerts)
    assert pathway.state.closed_at == closes
    assert pathway.open_alerts() == []
    assert pathway.close_if_retention_over(closes + DAY) is None  # once
    assert pathway.next_alert_at(closes) is None
    assert alert.status is AlertStatus.CLOSED


def test_nothing_is_accepted_once_closed() -> None:
    pathway, alert = exited(ATP)
    closes = retention_ends_at(pathway.state, ATP)
    assert closes is not None
    pathway.close_if_retention_over(closes)
    assert pathway.allowed_triggers() == ()
    for command in (
        c.WithdrawConsent(PartnerKind.REFERRER, closes),
        c.AcknowledgeAlert(alert.alert_id),
        c.RecordContact(closes),
    ):
        with pytest.raises(MoveRefused) as refused:
            pathway.check(command, meta())
        assert (refused.value.rule, refused.value.code) == ("pathway_closed", "pathway_closed")
        assert refused.value.values == {"closed_at": closes.isoformat()}
        assert refused.value.allowed == ()
        with pytest.raises(MoveRefused):
            pathway.execute(command, meta(), closes + HOUR)


def test_a_pathway_that_has_not_exited_never_closes() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    assert retention_ends_at(pathway.state, ATP) is None
    assert pathway.close_if_retention_over(now + 10_000 * DAY) is None
    assert pathway.summary(now).closes_at is None
