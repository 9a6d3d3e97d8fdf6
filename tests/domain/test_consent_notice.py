"""A consent's expiry notice is never due before the consent (`PathwayState.alert_rules` 3,
`domain.consent_notice`): a consent given for less than the notice is warned of as due when
it was given; a longer one as before; a notice raised under the earlier rule keeps its date.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain import consent_notice
from parcours.domain.alerts import SETTLING, DueAlert, due_alerts, follow_pathway
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertRule, AlertStatus, ExitReason, PartnerKind
from tests.domain.helpers import DAY, HOUR, PROGRAMME_IDS, PROGRAMMES, criteria, new_pathway
from tests.support import T0, meta

parametrize_programme = pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)

GIVEN = T0 + 11 * HOUR + timedelta(minutes=10)
"""A consent given late in the morning, as staff record it."""


def under(rules: int, programme: ProgrammeDefinition) -> Pathway:
    """A new pathway following the alert rules of `alert_rules` 2, or 3."""
    pathway = new_pathway(programme)
    follow_pathway(pathway.state, T0)
    if rules == consent_notice.NOTICE_WITHIN_CONSENT:
        consent_notice.adopt(pathway.state)
    return pathway


def warned(rules: int, programme: ProgrammeDefinition) -> Pathway:
    """A pathway under `rules` given a consent for ten days, its notice raised once the
    entry has settled."""
    pathway = under(rules, programme)
    give(pathway, days=10)
    pathway.raise_due_alerts(GIVEN + SETTLING)
    return pathway


def give(pathway: Pathway, days: int, at: datetime = GIVEN) -> None:
    consent = c.GiveConsent(PartnerKind.REFERRER, at, at + days * DAY)
    pathway.execute(consent, meta(), at)


def notices(pathway: Pathway) -> list[Alert]:
    return [a for a in pathway.state.alerts if a.rule is AlertRule.CONSENT_EXPIRING]


def consent_due(pathway: Pathway, at: datetime) -> list[DueAlert]:
    """The consent alerts due at `at`, not raised yet."""
    pending = due_alerts(pathway.state, pathway.programme, at)
    return [a for a in pending if a.rule in (AlertRule.CONSENT_EXPIRING, AlertRule.CONSENT_EXPIRED)]


def notice_days(programme: ProgrammeDefinition) -> int:
    return programme.timers.consent_expiry_notice_days


@parametrize_programme
def test_a_short_consent_is_warned_of_from_when_it_was_given(
    programme: ProgrammeDefinition,
) -> None:
    pathway = under(consent_notice.NOTICE_WITHIN_CONSENT, programme)
    give(pathway, days=10)
    assert not pathway.raise_due_alerts(GIVEN + SETTLING - HOUR / 4)  # the entry settles
    pathway.raise_due_alerts(GIVEN + SETTLING)
    [notice] = notices(pathway)
    assert (notice.due_at, notice.raised_at) == (GIVEN, GIVEN + SETTLING)
    assert notice.alert_id.endswith(GIVEN.strftime("%Y%m%dT%H%M"))


@parametrize_programme
def test_the_earlier_rule_dated_it_before_the_consent(programme: ProgrammeDefinition) -> None:
    """What histories recorded before the rule keep: the due date weeks before the consent."""
    pathway = warned(2, programme)
    [notice] = notices(pathway)
    assert notice.due_at == GIVEN + (10 - notice_days(programme)) * DAY
    assert notice.due_at < GIVEN


@parametrize_programme
def test_a_consent_as_long_as_its_notice_is_due_when_given(
    programme: ProgrammeDefinition,
) -> None:
    """Expiring at midnight 30 days on, the notice 30 days before: due at the consent, not
    at the midnight before it."""
    midnight = T0.replace(hour=0, minute=0) + notice_days(programme) * DAY
    pathway = under(consent_notice.NOTICE_WITHIN_CONSENT, programme)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, GIVEN, midnight), meta(), GIVEN)
    [due] = consent_due(pathway, GIVEN + SETTLING)
    assert (due.rule, due.due_at) == (AlertRule.CONSENT_EXPIRING, GIVEN)


@parametrize_programme
def test_a_longer_consent_is_warned_of_its_notice_before_expiry(
    programme: ProgrammeDefinition,
) -> None:
    pathway = under(consent_notice.NOTICE_WITHIN_CONSENT, programme)
    give(pathway, days=notice_days(programme) + 10)
    due = GIVEN + 10 * DAY
    assert not notices(pathway)
    pathway.raise_due_alerts(due - HOUR)
    assert not notices(pathway)
    pathway.raise_due_alerts(due)
    [notice] = notices(pathway)
    assert notice.due_at == due


@parametrize_programme
def test_a_notice_raised_before_the_rule_keeps_its_date(programme: ProgrammeDefinition) -> None:
    """A pathway that adopts the rule when a run starts, with a short consent's notice open:
    it is neither raised again under its new date nor closed by the next entry."""
    pathway = warned(2, programme)
    [before] = notices(pathway)
    consent_notice.adopt(pathway.state)
    pathway.execute(c.RecordContact(GIVEN + DAY), meta(), GIVEN + DAY)
    assert not pathway.raise_due_alerts(GIVEN + DAY + SETTLING)
    [after] = notices(pathway)
    assert (after.alert_id, after.status) == (before.alert_id, AlertStatus.OPEN)


@parametrize_programme
def test_a_renewal_resolves_the_notice_and_warns_of_the_new_expiry_in_time(
    programme: ProgrammeDefinition,
) -> None:
    pathway = warned(consent_notice.NOTICE_WITHIN_CONSENT, programme)
    renewed = GIVEN + 5 * DAY
    give(pathway, days=365, at=renewed)
    [first] = notices(pathway)
    assert first.status is AlertStatus.RESOLVED
    new_notice = renewed + (365 - notice_days(programme)) * DAY
    assert not consent_due(pathway, new_notice - HOUR)
    [due] = consent_due(pathway, new_notice)
    assert (due.rule, due.due_at) == (AlertRule.CONSENT_EXPIRING, new_notice)


@parametrize_programme
def test_a_correction_keeps_the_rule_and_the_notice(programme: ProgrammeDefinition) -> None:
    """The pathway judged again from its referral follows the rules it followed."""
    pathway = under(consent_notice.NOTICE_WITHIN_CONSENT, programme)
    contact = pathway.execute(c.RecordContact(GIVEN - HOUR), meta(), GIVEN - HOUR)
    give(pathway, days=10)
    pathway.raise_due_alerts(GIVEN + SETTLING)
    pathway.execute(c.CorrectEvent(contact.seq), meta(reason="typed twice"), GIVEN + DAY)
    assert pathway.state.alert_rules == consent_notice.NOTICE_WITHIN_CONSENT
    [notice] = notices(pathway)
    assert (notice.due_at, notice.status) == (GIVEN, AlertStatus.OPEN)


@parametrize_programme
def test_an_exited_pathway_is_not_warned_of_its_consents(programme: ProgrammeDefinition) -> None:
    """A trial saw a notice due in 2027 for a person gone to Lyon: a consent cannot be
    given again after the exit, so the notice would ask for what cannot be done. Under the
    earlier rules it is still raised, as histories recorded then keep."""
    for rules, raised in ((consent_notice.NOTICE_WITHIN_CONSENT, False), (2, True)):
        pathway = under(rules, programme)
        give(pathway, days=400)
        left = GIVEN + DAY
        pathway.execute(c.CompleteIntake(left, criteria(programme)), meta(), left)
        pathway.execute(c.Exit(ExitReason.MOVED_AWAY, left), meta(reason="moved"), left)
        later = GIVEN + 400 * DAY
        assert bool(consent_due(pathway, later)) is raised, rules
