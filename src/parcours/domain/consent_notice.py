"""When the referent is told that a consent will soon expire.

The notice falls due `timers.consent_expiry_notice_days` before the consent expires. A
consent given for less than that (30 days where the notice is 30 days) used to be warned
of with a due date before it was given: "due 20 November 00:00" for a consent given on 20
November at 11:10, or weeks earlier for a ten-day consent, which reads as a record that
lies. From `NOTICE_WITHIN_CONSENT` on (`PathwayState.alert_rules` 3) such a notice is due
when the consent was given; a notice raised before the pathway adopted the rule keeps its
date, so that it is neither raised again nor closed as if it had stopped holding. Under
the same rule an exited pathway's consents raise no alert (`asks_nothing`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from parcours.domain.records import Consent, PathwayState
from parcours.domain.vocabulary import AlertRule, Stage

NOTICE_WITHIN_CONSENT = 3
"""The `PathwayState.alert_rules` from which a consent's notice is never due before it."""


def notice_within_consent(state: PathwayState) -> bool:
    return state.alert_rules >= NOTICE_WITHIN_CONSENT


def asks_nothing(state: PathwayState) -> bool:
    """Under the rule, an exited pathway's consents raise no alert: no partner is told of
    the person any more, and neither shipped programme lets a consent be given again from
    `exited` (`give_consent` runs from `@open`), so a notice would ask for what cannot be
    done (a trial saw one due in 2027 for a person gone to Lyon). Decided by the stage
    alone, so that the rule the patch id names stays one rule whatever a programme file
    says; a programme that lets consents be given after the exit would need a rule of its
    own. Alerts open at the exit stay open, as every alert does."""
    return notice_within_consent(state) and state.stage is Stage.EXITED


def adopt(state: PathwayState) -> None:
    """Adopt the rule, on a pathway that follows the alert rules of `alerts.FOLLOWS_PATHWAY`
    already (the workflow adopts those first, in the same task)."""
    state.alert_rules = max(state.alert_rules, NOTICE_WITHIN_CONSENT)


def notice_due(state: PathwayState, consent: Consent, notice: timedelta) -> datetime:
    """When the notice that `consent` (with an expiry) will expire falls due."""
    assert consent.expires_at is not None
    due = consent.expires_at - notice
    if due >= consent.given_at or not notice_within_consent(state):
        return due
    return due if _raised_already(state, consent, due) else consent.given_at


def _raised_already(state: PathwayState, consent: Consent, due: datetime) -> bool:
    """The notice was raised, under the earlier rule, with its due date before the consent.
    Told by its rule, subject and due date, as an alert's id is, whatever its status: a
    consent given again after the rule was adopted, with the very same expiry, keeps that
    notice (its id is that of the one raised) rather than being warned of twice."""
    subject = consent.partner_kind.value
    return any(
        a.rule is AlertRule.CONSENT_EXPIRING and a.subject == subject and a.due_at == due
        for a in state.alerts
    )
