"""A short consent's expiry notice on the dev server's per-workflow time skipping, and the
walk `consent-notice-within-consent.json` records (`CONSENT_NOTICE_PATCH`; and, the patch
answered no, `consent-notice-before-the-rule.json`): an ATP pathway
referred now, its intake done and a consent for ten days given to the training body. The
notice is due when the consent was given (not twenty days before it), raised once the
entry has settled, then acknowledged by its id; ten days on, the consent expires. Given
again for 400 days, then the person moves away: nothing more about it is raised."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.testing import WorkflowEnvironment

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.alerts import SETTLING
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertRule, AlertStatus, ExitReason, PartnerKind
from parcours.programmes import get_programme
from tests.samples import ATP_CRITERIA
from tests.support import meta, participant, referral
from tests.workflows.two_year_walk import DAY, HOUR

ATP = get_programme("atp-cergy")
DAYS = 10
"""The consent's length: shorter than the programme's notice (30 days)."""
LATER = 400
"""The length of the consent given again just before the exit."""


async def play_consent_notice(
    env: WorkflowEnvironment, pathways: PathwayClient, *, within: bool = True
) -> str:
    """The whole walk: returns the pathway, its two consent alerts acknowledged. Under the
    earlier rule (not `within`, `CONSENT_NOTICE_PATCH` answered no) the notice is due
    twenty days before the consent was given, and still raised once the entry settles."""
    pid = await pathways.refer(
        ATP, participant("Lina", "Haddad"), referral(at=datetime.now(UTC)), meta()
    )
    handle = env.client.get_workflow_handle(pid)
    given = await env.get_current_time(handle)
    await pathways.execute(pid, c.CompleteIntake(given, ATP_CRITERIA), meta())
    consent = c.GiveConsent(PartnerKind.TRAINING_BODY, given, given + DAYS * DAY)
    await pathways.execute(pid, consent, meta())
    assert await env.fast_forward(handle, SETTLING - HOUR / 4)
    assert await raised(pathways, pid, AlertRule.CONSENT_EXPIRING) is None  # settling
    assert await env.fast_forward(handle, HOUR / 2)
    notice = await raised(pathways, pid, AlertRule.CONSENT_EXPIRING)
    assert notice is not None, "the notice was not raised once the consent had settled"
    due = given if within else given + (DAYS - ATP.timers.consent_expiry_notice_days) * DAY
    assert notice.due_at == due, f"due {notice.due_at}, the consent given {given}"
    await pathways.execute(pid, c.AcknowledgeAlert(notice.alert_id), meta())
    assert await env.fast_forward(handle, DAYS * DAY)
    expired = await raised(pathways, pid, AlertRule.CONSENT_EXPIRED)
    assert expired is not None
    assert expired.due_at == consent.expires_at
    await pathways.execute(pid, c.AcknowledgeAlert(expired.alert_id), meta())
    await _exit_with_a_consent(env, pathways, pid, within=within)
    return pid


async def _exit_with_a_consent(
    env: WorkflowEnvironment, pathways: PathwayClient, pid: str, *, within: bool
) -> None:
    """A consent for 400 days given again, then the person moves away: under the rule its
    notice and expiry raise nothing after the exit; under the earlier one both come."""
    handle = env.client.get_workflow_handle(pid)
    now = await env.get_current_time(handle)
    renewed = c.GiveConsent(PartnerKind.TRAINING_BODY, now, now + LATER * DAY)
    await pathways.execute(pid, renewed, meta())
    await pathways.execute(pid, c.Exit(ExitReason.MOVED_AWAY, now), meta(reason="moved to Lyon"))
    assert await env.fast_forward(handle, (LATER + 1) * DAY)
    rules = [a.rule for a in (await pathways.state(pid)).alerts]
    consents = [r for r in rules if r in (AlertRule.CONSENT_EXPIRING, AlertRule.CONSENT_EXPIRED)]
    assert len(consents) == (2 if within else 4), rules  # the first consent's two, or four


async def raised(pathways: PathwayClient, pid: str, rule: AlertRule) -> Alert | None:
    """The pathway's one alert of `rule`, None before it is raised."""
    found = [a for a in (await pathways.state(pid)).alerts if a.rule is rule]
    assert len(found) <= 1, f"{rule.value} raised twice: {[a.alert_id for a in found]}"
    return found[0] if found else None


def acknowledged(alerts: list[Alert]) -> bool:
    return all(a.status is AlertStatus.ACKNOWLEDGED for a in alerts)
