"""`parcours coaching start REF` for one pathway, `coaching day SESSION` for a session's group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcours.cli.act import dated_action
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short, stage_label
from parcours.cli.options import JsonFlag, On, ProgrammeOpt, ReasonOpt, RequestOpt, group_module
from parcours.cli.render import console, plain, print_json
from parcours.cli.runtime import (
    current_session,
    guarded,
    open_readmodel,
    typed_instant,
    with_pathways,
)
from parcours.domain import commands as c

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.sessions import MemberAnswer
    from parcours.cli.i18n import Text

commands, coaching = group_module("coaching")


dated_action(coaching, "start", c.StartCoaching)


@coaching.command("day", help="help.coaching.day")
@guarded
def coaching_day(
    name: Annotated[str, typer.Argument(help="help.arg.session_name", metavar="SESSION")],
    programme: ProgrammeOpt = None,
    absent: Annotated[list[str] | None, typer.Option(help="help.opt.absent", metavar="REF")] = None,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from datetime import UTC, datetime

    from parcours.app.sessions import group_action
    from parcours.cli.commands.session import which_session
    from parcours.domain import sessions as rules

    session = current_session()
    store = open_readmodel()
    found = which_session(session, store, name, programme)
    members = store.session_people(found.programme, found.name)
    missing = _absentees(session.text, found.name, [pid for pid, _ in members], absent or [])
    waiting, started = rules.awaiting_coaching(members, missing)
    meta = session.request(reason, request_id, on)
    started_at = meta.effective_at or typed_instant(on)
    rules.check_coaching_day(started_at, datetime.now(UTC))

    async def work(pathways: PathwayClient) -> list[MemberAnswer]:
        with progress_bar(session.text("coaching.day.progress"), len(waiting)) as advance:
            day = rules.coaching_day(started_at)
            return await group_action(pathways, waiting, day, meta, advance)

    answers = with_pathways(session, work, whole_timeout=False)
    if as_json:
        said = {"session": found.name, "programme": found.programme, "answers": plain(answers)}
        print_json({**said, "already_started": started, "absent": sorted(missing)})
    else:
        _say(answers, len(started), sorted(missing), session.text)
    if [a for a in answers if not a.done and not rules.closed_for_good(a)]:
        raise typer.Exit(ExitCode.REFUSED)


def _absentees(text: Text, name: str, people: list[str], typed: list[str]) -> frozenset[str]:
    """The session's people `--absent` names, each by its id or a short reference; one
    that names none of them is not found (exit 4), listing them."""
    from parcours.app.references import among

    found = {reference: among(reference, people) for reference in typed}
    for reference, pathway_id in found.items():
        if pathway_id is None:
            listed = ", ".join(sorted(short(p) for p in people)) or "—"
            said = text("coaching.day.not_member", ref=reference, session=name, people=listed)
            raise CliError(said, ExitCode.NOT_FOUND)
    return frozenset(p for p in found.values() if p is not None)


def _say(answers: list[MemberAnswer], started: int, absent: list[str], text: Text) -> None:
    from parcours.cli.refusals import refusal_reason
    from parcours.domain.sessions import closed_for_good

    for pathway_id in absent:
        console.print(text("coaching.day.absent", ref=short(pathway_id)))
    if not answers and not absent:
        console.print(text("coaching.day.all_started" if started else "coaching.day.nobody"))
        return
    for answer in answers:
        ref = short(answer.pathway_id)
        if answer.done:
            key = "coaching.day.done_before" if answer.duplicate else "coaching.day.done"
            console.print(text(key, ref=ref, stage=stage_label(answer.stage, text)))
        elif closed_for_good(answer):
            console.print(text("coaching.day.closed", ref=ref))
        else:
            reason = refusal_reason(answer.code, answer.values, answer.message, text)
            console.print(text("coaching.day.refused", ref=ref, rule=answer.rule, message=reason))
    done = sum(1 for a in answers if a.done)
    closed = sum(1 for a in answers if closed_for_good(a))
    said = text("coaching.day.summary", done=done, refused=len(answers) - done - closed)
    said += text("coaching.day.left_out", closed=closed) if closed else ""
    said += text("coaching.day.already", started=started) if started else ""
    console.print(said + (text("coaching.day.absentees", absent=len(absent)) if absent else ""))


class progress_bar:  # noqa: N801 - used as a function returning a context manager
    """A bar on stderr while a group action goes through its pathways; the context gives
    the function that moves it one step."""

    def __init__(self, label: str, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from parcours.cli.render import err_console

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
        )
        self._task = self._progress.add_task(label, total=total)

    def __enter__(self) -> Any:
        self._progress.start()
        return lambda: self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
