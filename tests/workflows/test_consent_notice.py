"""A consent shorter than its notice is warned of from when it was given, on the service,
and both sides of `CONSENT_NOTICE_PATCH` stay replayed.

`consent-notice-within-consent.json` (`consent_walk.play_consent_notice`, recorded on time
skipping by `python -m tests.histories.record consent-notice-within-consent`) takes the new
side: it holds the marker, replays with today's code, and fails to replay once the patch is
answered no (the notice then has another id, and its acknowledgement names none).
`consent-notice-before-the-rule.json` is the same walk recorded with the patch answered no
(`OLD_NOTICE` in `record.py`): it holds no marker, replays the earlier rule (the notice due
twenty days before the consent), and fails to replay once the new rule is forced on it.
The audit fold adopts the rule where the marker is, and only there.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.app.client import PathwayClient
from parcours.domain.consent_notice import NOTICE_WITHIN_CONSENT
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import AlertRule, Stage
from parcours.workflows.patches import CONSENT_NOTICE_PATCH
from tests.histories.record import HERE
from tests.workflows.consent_walk import acknowledged, play_consent_notice
from tests.workflows.patch_replay import folded, keeps_the_old_side, takes_the_new_side

ON_SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")

WITHIN = HERE / "consent-notice-within-consent.json"
BEFORE = HERE / "consent-notice-before-the-rule.json"


@pytest.mark.temporal
@ON_SESSION_LOOP
async def test_a_ten_day_consent_is_warned_of_from_when_it_was_given(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    pid = await play_consent_notice(skipping_env, skipping_pathways)
    state = await skipping_pathways.state(pid)
    assert state.alert_rules == NOTICE_WITHIN_CONSENT
    rules = sorted(a.rule for a in state.alerts)
    assert rules == [AlertRule.CONSENT_EXPIRED, AlertRule.CONSENT_EXPIRING]
    assert acknowledged(state.alerts)


@ON_SESSION_LOOP
async def test_the_new_side_is_taken_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await takes_the_new_side(WITHIN, CONSENT_NOTICE_PATCH, monkeypatch)


@ON_SESSION_LOOP
async def test_the_fold_adopts_the_rule_where_the_marker_is() -> None:
    state = await folded(WITHIN)
    assert state.alert_rules == NOTICE_WITHIN_CONSENT
    [notice] = [a for a in state.alerts if a.rule is AlertRule.CONSENT_EXPIRING]
    assert notice.due_at == short_consent_given(state)
    assert acknowledged(state.alerts)
    assert state.stage is Stage.EXITED
    consents = (AlertRule.CONSENT_EXPIRING, AlertRule.CONSENT_EXPIRED)
    raised = [e.details["rule"] for e in state.timeline if e.kind == "alert_raised"]
    assert [r for r in raised if r in consents] == list(consents)  # none for the later one


@ON_SESSION_LOOP
async def test_the_earlier_rule_replays_as_it_ran_and_cannot_take_the_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await keeps_the_old_side(BEFORE, CONSENT_NOTICE_PATCH, monkeypatch)
    state = await folded(BEFORE)
    assert state.alert_rules == 2
    first, after_exit = [a for a in state.alerts if a.rule is AlertRule.CONSENT_EXPIRING]
    assert first.due_at < short_consent_given(state)  # what the earlier rule recorded, kept
    assert state.outcome is not None
    assert after_exit.raised_at > state.outcome.exited_at  # raised after the exit, then


def short_consent_given(state: PathwayState) -> datetime:
    """When the walk's first consent, for ten days, was given (the one given again before
    the exit, for 400 days, took its place among the consents)."""
    return next(e.at for e in state.timeline if e.kind == "consent_given")
