"""What a story does for a group, through the commands a coordinator uses.

The session is opened with its referring partners and each referral is checked against
it (`session open`, `refer --session`); the coaching day goes to the session's pathways
(`coaching day SESSION --on`); a job-dating is a real `JobDating` event, entered after
the fact: planned with its agencies and candidates, invited on its date, every outcome
recorded in one go on its day (`jobdating plan|invite|record --on`). Anything refused
stops the demo with the rule that refused it: the story is the seed's, nothing may fail.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from parcours.adapters.readmodel import Store
from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.app.sessions import check_referral_session, group_action, open_new_session
from parcours.demos.story import CoachingDay, JobDatingDay, SessionPlan, Story
from parcours.domain.errors import DomainError
from parcours.domain.jobdating import OutcomeEntry
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.sessions import Session, coaching_day
from parcours.domain.vocabulary import Role

STAFF = Actor("demo-staff", Role.STAFF)
COORDINATOR = Actor("demo-coordinator", Role.COORDINATOR)
PLACE = "Maison de l'emploi"


class GroupStepFailed(Exception):
    """A group step of the story was refused; the message names the rule."""


def request(actor: Actor, at: datetime | None = None, reason: str = "") -> RequestMeta:
    return RequestMeta(uuid.uuid4().hex, actor, reason, effective_at=at)


def open_session(store: Store, story: Story, plan: SessionPlan) -> None:
    session = Session(
        story.programme,
        plan.name,
        plan.starts_at,
        plan.capacity,
        list(plan.referrers),
        opened_by=COORDINATOR.actor_id,
    )
    open_new_session(store, session)


def check_referral(store: Store, story: Story, referrer: str) -> None:
    """`refer --session`'s check, when the story has a session."""
    if story.session is None:
        return
    try:
        check_referral_session(store, story.programme, story.session.name, referrer)
    except DomainError as err:
        raise GroupStepFailed(f"referral refused by {err.rule}: {err}") from None


async def hold_coaching_day(
    pathways: PathwayClient, store: Store, story: Story, day: CoachingDay
) -> None:
    """The coaching day for every pathway of the session, dated on its day."""
    assert story.session is not None, "a coaching day is a session's"
    members = store.session_people(story.programme, story.session.name)
    answers = await group_action(pathways, members, coaching_day(day.at), request(STAFF, day.at))
    refused = [a for a in answers if not a.done]
    if refused or len(answers) != len(story.people):
        said = "; ".join(f"{a.pathway_id}: {a.rule}" for a in refused) or "people missing"
        raise GroupStepFailed(f"coaching day refused: {said}")


async def hold_jobdating(
    pathways: PathwayClient, store: Store, story: Story, day: JobDatingDay, ids: list[str]
) -> str:
    """Plan, invite and record the job-dating, each dated as the story tells; its id."""
    candidates = [ids[o.person] for o in day.outcomes]
    plan = jobdating.Plan(story.programme, day.held_at, PLACE, list(day.agencies), candidates)
    event = await jobdating.plan(pathways, store, plan, request(COORDINATOR))
    client = pathways.temporal
    await jobdating.invite(client, event, request(COORDINATOR, day.invited_at))
    entries = [OutcomeEntry(ids[o.person], o.outcome, o.agency) for o in day.outcomes]
    recording = request(STAFF, day.held_at, day.reason)
    answer = await jobdating.record(client, event, entries, recording)
    refused = [a for a in answer.answers if not a.applied]
    if refused:
        said = "; ".join(f"{a.pathway_id}: {a.rule}" for a in refused)
        raise GroupStepFailed(f"job-dating outcomes refused: {said}")
    return event
