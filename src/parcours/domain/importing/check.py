"""A whole person checked through the pure domain before anything is sent.

The referral is checked as `refer` checks it (names, texts, the birth date's bounds), then
every step of the plan runs through the very `Pathway` the workflow runs, with the checks
of its update validators (`Pathway.check` with now): a plan that passes here is accepted
by the service, step by step, and one refused here never reaches it. Request ids are
derived from the programme and the row's key, so that sending a plan again applies only
what is missing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.errors import DomainError
from parcours.domain.importing.cells import Fault, is_empty
from parcours.domain.importing.plan import PersonPlan, Step
from parcours.domain.inputs import ReferralRejected, check_referral, check_referral_texts
from parcours.domain.pathway import Pathway
from parcours.domain.permissions import authorise
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.referral_dates import BIRTH_CODES, check_referral_instants
from parcours.domain.sessions import (
    Session,
    SessionStatus,
    check_open,
    unchecked_month_session,
)

REASON_REQUIRED = "reason_required"
REFERRAL_COLUMNS = {"reason": "referral_reason"}
"""The people file's column of a referral field that the file names otherwise."""


def request_id(programme: str, key: str, index: int) -> str:
    """The request id of a plan's step `index` (0: the referral): the same on every run of
    the same file, and saying nothing of the person (the key is hashed)."""
    digest = hashlib.sha256(f"{programme}\x00{key}".encode()).hexdigest()[:16]
    return f"import-{digest}-{index}"


def step_meta(programme: str, plan: PersonPlan, step: Step, actor: Actor) -> RequestMeta:
    """What a step is sent with: its request id, who imports, its reason, when it happened."""
    rid = request_id(programme, plan.key, step.index)
    return RequestMeta(rid, actor, step.reason, effective_at=step.at)


def referral_meta(programme: str, plan: PersonPlan, actor: Actor) -> RequestMeta:
    return RequestMeta(request_id(programme, plan.key, 0), actor, plan.reason)


def check_plan(
    programme: ProgrammeDefinition,
    plan: PersonPlan,
    actor: Actor,
    now: datetime,
    sessions: Mapping[str, Session] | None = None,
) -> Fault | None:
    """The first refusal of the plan, naming its row and column; None when all of it passes.

    `sessions` are the programme's sessions by name: a row's session must exist and be open,
    as for `refer --session` (None: not checked, for a check that has no read model)."""
    fault = _referral_fault(programme, plan, actor, now)
    if fault is None and sessions is not None:
        fault = _session_fault(programme.name, plan, sessions)
    if fault is not None:
        return fault
    meta = referral_meta(programme.name, plan, actor)
    pathway = Pathway.refer(programme, "pathway-import", plan.referral, meta, now)
    for step in plan.steps:
        step_meta_ = step_meta(programme.name, plan, step, actor)
        try:
            pathway.check(step.command, step_meta_, now)
            pathway.execute(step.command, step_meta_, now)
        except DomainError as refused:
            return _refusal(step, refused)
    return None


def _referral_fault(
    programme: ProgrammeDefinition, plan: PersonPlan, actor: Actor, now: datetime
) -> Fault | None:
    row, person = plan.row, plan.identity
    try:
        authorise(actor.role, IntakeTrigger.REFER)
        check_referral(person.first_name, person.last_name, plan.reason)
        check_referral_texts(person, plan.referral, person.birth_date)
    except ReferralRejected as err:
        column = REFERRAL_COLUMNS.get(err.field, err.field)
        code = f"name_{err.fault}"
        values = {"column": column, "found": err.found}
        return Fault(row.file, row.line, column, "referral", code, str(err), values)
    except DomainError as not_permitted:
        return _fault(row.file, row.line, "", not_permitted)
    dated = check_referral_instants(plan.referral.referred_at, person.birth_date, now)
    if dated is None:
        return None
    column = "birth_date" if dated.code in BIRTH_CODES else "referral_date"
    return _fault(row.file, row.line, column, dated)


def _session_fault(
    programme: str, plan: PersonPlan, sessions: Mapping[str, Session]
) -> Fault | None:
    """The row's session, if it names one, exists and is open; the refusal names the sessions
    open instead. A row naming none is in its referral's month, as `refer` without
    --session: checked only where the programme opened a session of that name."""
    name = plan.referral.session
    named = not is_empty(plan.row.cells.get("session"))
    if unchecked_month_session(sessions.get(name), named=named):
        return None
    try:
        check_open(sessions.get(name), programme, name)
    except DomainError as refused:
        fault = _fault(plan.row.file, plan.row.line, "session", refused)
        open_ones = sorted(s.name for s in sessions.values() if s.status is SessionStatus.OPEN)
        values = {**fault.values, "programme": programme, "open": ", ".join(open_ones)}
        return replace(fault, values=values)
    return None


def _refusal(step: Step, refused: DomainError) -> Fault:
    """The refusal of a step, at its date's cell (at its reason's, for a missing reason)."""
    file, line, column = step.origin
    if refused.rule == REASON_REQUIRED:
        column = step.reason_column
    return _fault(file, line, column, refused)


def _fault(file: str, line: int, column: str, refused: DomainError) -> Fault:
    return Fault(
        file,
        line,
        column,
        refused.rule,
        refused.code,
        refused.message,
        refused.values,
        tuple(str(trigger) for trigger in refused.allowed),
    )


def same_person_twice(plans: Sequence[PersonPlan]) -> list[Fault]:
    """A person given by two rows of one file (same names and birth date, whatever the
    case and spaces): the second is refused, as a second referral would be."""
    seen: dict[tuple[str, str, str], int] = {}
    faults: list[Fault] = []
    for plan in plans:
        person = plan.identity
        mark = (_folded(person.last_name), _folded(person.first_name), person.birth_date)
        if mark in seen:
            message = f"this person is already the person of row {seen[mark]}"
            values = {"first": str(seen[mark])}
            faults.append(
                Fault(
                    plan.row.file, plan.row.line, "", "import_cell", "person_twice", message, values
                )
            )
        else:
            seen[mark] = plan.row.line
    return faults


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def check_all(
    programme: ProgrammeDefinition,
    plans: Iterable[PersonPlan],
    actor: Actor,
    now: datetime,
    sessions: Mapping[str, Session] | None = None,
) -> tuple[list[PersonPlan], list[Fault]]:
    """The plans that pass and the faults of those that do not, in file order (`sessions`:
    as `check_plan` takes them)."""
    plans = list(plans)
    faults = same_person_twice(plans)
    twice = {(f.file, f.line) for f in faults}
    passing: list[PersonPlan] = []
    for plan in plans:
        if (plan.row.file, plan.row.line) in twice:
            continue
        fault = check_plan(programme, plan, actor, now, sessions)
        if fault is None:
            passing.append(plan)
        else:
            faults.append(fault)
    return passing, faults
