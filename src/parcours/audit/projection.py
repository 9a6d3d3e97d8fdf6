"""What the workflow's timers do past what a history records, for both audit folds:
alerts raised at their due instants and, since exited pathways are kept
(`AFTER_EXIT_PATCH`), an exited pathway closed at the end of its retention period; since
`RETENTION_BY_CONTACT_PATCH`, the person anonymised at the end of the record's retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from parcours.audit.recording import Recording, WorkflowTask
from parcours.domain import anonymisation
from parcours.domain.erasure import anonymise
from parcours.domain.pathway import Pathway
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import Stage

MIN_SLEEP = timedelta(seconds=1)
"""The shortest sleep of the workflow's loop, mirrored when projecting alerts."""


def kept_after_exit(recording: Recording) -> bool:
    """Whether the workflow keeps this pathway open after exit until its retention period
    ends: every history but one whose run completed at exit unclosed (the older branch)."""
    final = recording.final_state
    return final is None or final.closed_at is not None


def anonymise_if_due(pathway: Pathway, at: datetime) -> PathwayEvent | None:
    """Anonymise the person once the record's retention is over (by the last contact)."""
    if not anonymisation.retention_over(pathway.state, pathway.programme, at):
        return None
    return anonymise(pathway.state, at, pathway._record)


def close_if_due(pathway: Pathway, recording: Recording, at: datetime) -> PathwayEvent | None:
    """Close an exited pathway whose retention period is over where the workflow woke, as
    it does since it keeps exited pathways, or anonymise its person (by the last contact)."""
    anonymised = anonymise_if_due(pathway, at)
    if anonymised is not None or not kept_after_exit(recording):
        return anonymised
    return pathway.close_if_retention_over(at)


def project_alerts(
    pathway: Pathway, now: datetime, until: datetime, *, after_exit: bool = False
) -> bool:
    """Raise the alerts that fall due after `now` up to `until`, each at its due instant,
    as the workflow's timers would, and, `after_exit`, close an exited pathway at the end
    of its retention period; whether anything was raised or closed."""
    raised = False
    while pathway.state.closed_at is None and (
        after_exit or pathway.state.stage is not Stage.EXITED
    ):
        next_at = pathway.next_alert_at(now)
        if next_at is None:
            break
        now = max(next_at, now + MIN_SLEEP)
        if now > until:
            break
        raised = bool(pathway.raise_due_alerts(now)) or raised
        raised = anonymise_if_due(pathway, now) is not None or raised
        if after_exit:
            raised = pathway.close_if_retention_over(now) is not None or raised
    return raised


class Turns:
    """Where the run loop turns again without a timer, in a run that took
    `CHANGES_DURING_PUBLISH_PATCH`: its publish ended (no projection or alert delivery
    outstanding, every event recorded since the last hand-off handed off) and an update
    recorded something during the turn."""

    def __init__(self, recording: Recording) -> None:
        self._runs = recording.turning_runs
        self._changed = False  # an update recorded something since the turn began
        self._unhanded = False  # something recorded since the last hand-off

    def turned(self, task: WorkflowTask, executed: bool, *, woke: bool) -> bool:
        """Whether the loop turned again in `task` (after its commands, `executed` whether
        an update recorded something); `woke`: it turned anyway (a timer, a start...)."""
        self._changed = (self._changed or executed) and not woke
        self._unhanded = self._unhanded or executed
        turned = (
            not woke
            and task.run_index in self._runs
            and task.publish_ended
            and not self._unhanded
            and self._changed
        )
        self._changed = self._changed and not turned
        self._unhanded = self._unhanded and not task.handed_off
        return turned
