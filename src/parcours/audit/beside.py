"""What both audit folds do beside the programme's machine: what a run adopted when it
started, and the updates the machine never judges (an erasure, a retention's extension,
a return)."""

from __future__ import annotations

from datetime import datetime

from parcours.audit.recording import Recording, WorkflowTask
from parcours.domain import anonymisation, consent_notice
from parcours.domain.alerts import follow_pathway
from parcours.domain.erasure import ErasePerson, erase
from parcours.domain.pathway import Pathway
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.resolution import follow_extension
from parcours.domain.returning import BesideMachine, ReferAgain, refer_again


def adopt_rules(
    recording: Recording, task: WorkflowTask, state: PathwayState, at: datetime
) -> None:
    """What a run did when it started, before its first task ran anything: adopt the alert
    rules that follow the pathway at `at` (`ALERTS_FOLLOW_PATHWAY_PATCH`) and a consent's
    notice within the consent (`CONSENT_NOTICE_PATCH`), and the
    retention by the last contact (`RETENTION_BY_CONTACT_PATCH`), and the warning that
    follows its due date (`RETENTION_WARNING_FOLLOWS_PATCH`)."""
    if task.first_of_run and task.run_index in recording.following_runs:
        follow_pathway(state, at)
    if task.first_of_run and task.run_index in recording.notice_runs:
        consent_notice.adopt(state)
    if task.first_of_run and task.run_index in recording.retaining_runs:
        anonymisation.adopt(state)
    if task.first_of_run and task.run_index in recording.warning_runs:
        anonymisation.follow_due_date(state)


def beside_machine(
    pathway: Pathway,
    command: BesideMachine,
    meta: RequestMeta,
    at: datetime,
) -> PathwayEvent | None:
    """An update the programme's machine never judges: an erasure, an extension, the rule
    adopted by a coordinator's request (None when it followed it already), or the person
    referred again (None when it was noted already)."""
    if isinstance(command, ErasePerson):
        return erase(pathway.state, meta, at, pathway._record)
    if isinstance(command, ReferAgain):
        return refer_again(pathway.state, meta, command, at, pathway._record)
    state, programme = pathway.state, pathway.programme
    if isinstance(command, anonymisation.AdoptRetention):
        return anonymisation.adopt_now(state, programme, meta, now=at, record=pathway._record)
    event = anonymisation.extend(
        state, programme, meta, command.until, now=at, record=pathway._record
    )
    return follow_extension(state, programme, event, pathway._record)
