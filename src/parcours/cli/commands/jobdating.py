"""`parcours jobdating plan|invite|record|show|list`: job-dating events, each a workflow of
its own; `jobdating outcome REF` records one person's outcome on their pathway directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from parcours.cli.act import staff_action
from parcours.cli.criteria import known_programme
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.jobdating_view import (
    check_delivered,
    print_event,
    print_events,
    print_invitation,
    print_record,
    ref,
)
from parcours.cli.labels import short
from parcours.cli.options import (
    Agency,
    JsonFlag,
    On,
    ProgrammeOpt,
    ReasonOpt,
    RequestOpt,
    RequiredProgramme,
    group_module,
    named_choice,
)
from parcours.cli.refusals import refusal_reason
from parcours.cli.render import console, plain, print_json
from parcours.cli.runtime import (
    Session,
    current_session,
    guarded,
    open_readmodel,
    reader_session,
    typed_instant,
    with_pathways,
)
from parcours.domain import commands as c
from parcours.domain.vocabulary import JobDatingOutcome

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from parcours.app.client import PathwayClient
    from parcours.domain.jobdating import JobDatingEvent, OutcomeEntry
    from parcours.workflows.jobdating_messages import InvitationReport, RecordAnswer

T = TypeVar("T")

commands, jobdating = group_module("jobdating")

EventRef = Annotated[str, typer.Argument(help="help.arg.event_ref", metavar="EVENT")]


@staff_action(jobdating, "outcome")
def jobdating_outcome(
    outcome: Annotated[
        JobDatingOutcome,
        named_choice(JobDatingOutcome, "jobdating_outcome", "help.arg.outcome", "OUTCOME"),
    ],
    agency: Agency = "",
    on: On = None,
) -> c.Command:
    held_at = typed_instant(on)
    return c.RecordJobDating(held_at=held_at, outcome=outcome, agency=agency)


@jobdating.command("plan", help="help.jobdating.plan")
@guarded
def jobdating_plan(
    programme: RequiredProgramme,
    on: Annotated[str, typer.Option("--on", help="help.opt.jobdating_on")],
    place: Annotated[str, typer.Option(help="help.opt.jobdating_place")],
    agency: Annotated[list[str], typer.Option(help="help.opt.jobdating_agency")],
    candidate: Annotated[list[str] | None, typer.Option(help="help.opt.candidate")] = None,
    session_name: Annotated[
        str | None, typer.Option("--session", help="help.opt.jobdating_session")
    ] = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app import jobdating as app
    from parcours.programmes import get_programme

    session = current_session()
    text = session.text
    get_programme(programme)  # an unknown programme is said so (exit 4)
    held_at = parse_instant(on, session, "--on", happened=False, hour=True)  # when it is held
    meta = session.request("", request_id)
    store = open_readmodel()

    async def work(pathways: PathwayClient) -> tuple[str, list[str], list[LeftOut]]:
        chosen, left = list(candidate or []), []
        if session_name:
            found = await app.session_candidates(pathways, store, programme, session_name, held_at)
            taken, refused = found
            chosen += [p for p in taken if p not in chosen]
            left = [
                (p, e.rule, refusal_reason(e.code, e.values, e.message, text)) for p, e in refused
            ]
            if not chosen:
                raise _nobody_ready(session, session_name, left)
        plan = app.Plan(programme, held_at, place, list(agency), chosen)
        return await app.plan(pathways, store, plan, meta), chosen, left

    _say_planned(session, *_answered(session, work), as_json=as_json)


LeftOut = tuple[str, str, str]  # a person the job-dating leaves out: pathway, rule, why


def _nobody_ready(session: Session, name: str, left: list[LeftOut]) -> CliError:
    """A session none of whose people may meet agencies now, and no --candidate: said with
    each person left out and the rule that leaves them out (exit 3), nothing planned."""
    text = session.text
    said = "; ".join(f"{short(pathway_id)}: {why} [{rule}]" for pathway_id, rule, why in left)
    said = said or text("jobdating.all_exited")
    nobody = text("jobdating.session_nobody", session=name, left=said)
    return CliError(nobody, ExitCode.REFUSED)


def _say_planned(
    session: Session,
    event_id: str,
    chosen: list[str],
    left: list[LeftOut],
    *,
    as_json: bool,
) -> None:
    """The new event, its candidates, and the session's people left out (why, the rule)."""
    if as_json:
        out = [[pathway_id, rule] for pathway_id, rule, _ in left]
        print_json(
            {"event_id": event_id, "ref": ref(event_id), "candidates": chosen, "left_out": out}
        )
        return
    said = session.text("jobdating.planned", event=event_id, ref=ref(event_id), count=len(chosen))
    console.print(said)
    for pathway_id, rule, why in left:
        line = session.text("jobdating.left_out", ref=short(pathway_id), rule=rule, why=why)
        console.print(line, markup=False)


@jobdating.command("invite", help="help.jobdating.invite")
@guarded
def jobdating_invite(
    event: EventRef, on: On = None, request_id: RequestOpt = None, as_json: JsonFlag = False
) -> None:
    from parcours.app import jobdating as app

    session = current_session()
    meta = session.request("", request_id, on)

    async def work(pathways: PathwayClient) -> tuple[str, InvitationReport]:
        event_id = await app.resolve(pathways.temporal, pathways.task_queue, event)
        return event_id, await app.invite(pathways.temporal, event_id, meta)

    event_id, report = _answered(session, work)
    if as_json:  # `agencies` and `presented` as asked; what reached them beside
        from parcours.domain.jobdating_notices import reach

        reached = reach(report.agencies, report.presented, report.failures)
        reaching = {"agencies_invited": reached.agencies, "candidates_reached": reached.presented}
        print_json({"event_id": event_id, **plain(report), **reaching})
        check_delivered(report, session.text)
        return
    print_invitation(event_id, report, session.text)


@jobdating.command("record", help="help.jobdating.record")
@guarded
def jobdating_record(
    event: EventRef,
    outcome: Annotated[
        list[str], typer.Option(help="help.opt.outcome_entry", metavar="REF=OUTCOME[:AGENCY]")
    ],
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app import jobdating as app

    session = current_session()
    meta = session.request(reason, request_id, on)
    typed = [_entry(session, value) for value in outcome]

    async def work(pathways: PathwayClient) -> tuple[str, RecordAnswer]:
        event_id = await app.resolve(pathways.temporal, pathways.task_queue, event)
        entries = [await _resolved(pathways, entry) for entry in typed]
        return event_id, await app.record(pathways.temporal, event_id, entries, meta)

    event_id, answer = _answered(session, work)
    if as_json:
        print_json({"event_id": event_id, **plain(answer)})
    else:
        print_record(answer, session.text)
    if any(not a.applied for a in answer.answers):
        raise typer.Exit(ExitCode.REFUSED)


@jobdating.command("show", help="help.jobdating.show")
@guarded
def jobdating_show(event: EventRef, as_json: JsonFlag = False) -> None:
    from parcours.app import jobdating as app

    session = reader_session()

    async def work(pathways: PathwayClient) -> JobDatingEvent:
        return await app.status(
            pathways.temporal, await app.resolve(pathways.temporal, pathways.task_queue, event)
        )

    found = _as_sent_since(_answered(session, work))
    if as_json:
        from parcours.domain.jobdating_notices import unreached

        not_invited, missed = unreached(len(found.agencies), found.failures)
        reaching = {"agencies_not_reached": sorted(not_invited), "candidates_missed": len(missed)}
        print_json({**plain(found), **reaching})
        return
    print_event(found, session.text)


def _as_sent_since(event: JobDatingEvent) -> JobDatingEvent:
    """The event's failures less what a retry sent since, when the read model answers."""
    from parcours.app.notifications import still_failing

    if not event.failures:
        return event
    try:
        return still_failing(open_readmodel(), event)
    except CliError:  # the read model cannot say: the event's own record, as it stands
        return event


@jobdating.command("list", help="help.jobdating.list")
@guarded
def jobdating_list(programme: ProgrammeOpt = None, as_json: JsonFlag = False) -> None:
    from parcours.app import jobdating as app

    session = reader_session()
    known_programme(programme, session.text)

    async def work(pathways: PathwayClient) -> list[JobDatingEvent]:
        ids = await app.event_ids(pathways.temporal, pathways.task_queue, programme)
        return [await app.status(pathways.temporal, event_id) for event_id in ids]

    found = _answered(session, work)
    if as_json:
        print_json(found)
        return
    print_events(found, session.text, programme)


def _entry(session: Session, value: str) -> OutcomeEntry:
    """`REF=OUTCOME` or `REF=hired:AGENCY`, as typed (the reference resolved later)."""
    from parcours.cli.typed_words import allowed
    from parcours.domain.jobdating import OutcomeEntry
    from parcours.locale.words import named

    ref, _, rest = value.partition("=")
    word_typed, _, agency = rest.partition(":")
    keys = [o.value for o in JobDatingOutcome]
    outcome = named("jobdating_outcome", keys, word_typed)  # its key, or its name: "embauche"
    if not ref.strip() or outcome is None:
        listed = allowed("jobdating_outcome", keys, session.text)
        said = session.text("jobdating.bad_outcome", value=value, allowed=listed)
        raise CliError(said, ExitCode.USAGE)
    return OutcomeEntry(ref.strip(), JobDatingOutcome(outcome), agency.strip())


async def _resolved(pathways: PathwayClient, entry: OutcomeEntry) -> OutcomeEntry:
    from dataclasses import replace

    return replace(entry, pathway_id=await pathways.resolve(entry.pathway_id))


def _answered(session: Session, work: Callable[[PathwayClient], Awaitable[T]]) -> T:
    """Run `work`; what the event's rules refused said in one sentence, as sessions' are."""
    from parcours.cli.jobdating_view import failure

    try:
        return with_pathways(session, work)
    except Exception as err:  # every failure: what is not a job-dating's goes to `guarded`
        said = failure(err, session.text)
        if said is None:
            raise
        raise said from None
