"""Sending one staff action to a pathway and printing what it did.

A staff action's CLI function only builds the domain command from what was typed;
`staff_action` registers it as the command `parcours GROUP NAME` that takes the pathway
reference first and the options every action shares (`--on`, `--reason`, `--request-id`,
`--json`), and sends it. `--on` says when it happened: the request carries it as its
effective instant, and a function that takes `on` itself also dates its command with it.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from parcours.cli.action_hooks import after_done, designated
from parcours.cli.errors import CliError
from parcours.cli.event_details import what_happened
from parcours.cli.exit_codes import ExitCode
from parcours.cli.exit_verdict import Verdicts, around_correction, rejudged, say_rejudged
from parcours.cli.labels import action_labels, short, stage_label
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.render import console, plain, print_json
from parcours.cli.runtime import (
    Session,
    current_session,
    guarded,
    typed_instant,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.domain.commands import Command
    from parcours.domain.records import RequestMeta
    from parcours.workflows.messages import UpdateResult


SHARED_OPTIONS = (
    ("reason", ReasonOpt, ""),
    ("request_id", RequestOpt, None),
    ("as_json", JsonFlag, False),
)
"""The options of every staff action, after the action's own."""


def staff_action(
    group: typer.Typer, name: str, *, reason_first: bool = False
) -> Callable[[Callable[..., Command]], Callable[..., None]]:
    """Make a function that builds a command into `parcours GROUP NAME`, which sends it.

    Its help is the catalogue's `help.GROUP.NAME` (`help.NAME` for a command of the
    module's top `commands`). With `reason_first`, `--reason` is listed right after the
    action's required parameters, before its optional ones, as the lifecycle moves (most
    of which require a reason) have always listed it.
    """
    # A `subgroup` has its name; a module's top `commands` has Typer's placeholder.
    group_name = group.info.name if isinstance(group.info.name, str) else None
    help_key = f"help.{group_name}.{name}" if group_name else f"help.{name}"

    def decorate(build: Callable[..., Command]) -> Callable[..., None]:
        takes_on = "on" in inspect.signature(build).parameters

        @functools.wraps(build)
        def send(
            ref: str, reason: str, request_id: str | None, as_json: bool, **typed: Any
        ) -> None:
            on = typed.get("on") if takes_on else typed.pop("on", None)
            act(ref, build(**typed), reason, request_id, as_json, on=on)

        command = guarded(send)
        # What Typer reads to build the command's arguments and options.
        params = _parameters(build, reason_first)
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
        group.command(name, help=help_key)(command)
        return command

    return decorate


def dated_action(
    group: typer.Typer, name: str, command: type[Command], *, reason_first: bool = False
) -> None:
    """Registers `parcours GROUP NAME REF [--on WHEN]` for a command whose one field says
    when what it records happened (its `WHEN`, as `signed_at`): `--on` dates both the
    request and the command, today when left out."""

    def build(on: str | None = None) -> Command:
        return command(**{command.WHEN: typed_instant(on)})

    on = inspect.Parameter("on", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=On)
    _register(group, name, build, on, reason_first)


def naming_action(group: typer.Typer, name: str, command: type[Command], argument: object) -> None:
    """Registers `parcours GROUP NAME REF ID` for a command whose one field names the record
    it acts on (a barrier's `barrier_id`): ID is that field, typed as `argument` says."""
    (field,) = dataclasses.fields(command)

    def build(**typed: str) -> Command:
        return command(**typed)

    named = inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, annotation=argument)
    _register(group, name, build, named, reason_first=False)


def _register(
    group: typer.Typer,
    name: str,
    build: Callable[..., Command],
    parameter: inspect.Parameter,
    reason_first: bool,
) -> None:
    build.__signature__ = inspect.Signature([parameter])  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = name.replace("-", "_")
    staff_action(group, name, reason_first=reason_first)(build)


def _parameters(build: Callable[..., Command], reason_first: bool) -> list[inspect.Parameter]:
    """The reference, the action's own parameters and the shared options, in help order."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    own = [
        p.replace(kind=keyword) for p in inspect.signature(build, eval_str=True).parameters.values()
    ]
    shared = [
        inspect.Parameter(option, keyword, default=value, annotation=hint)
        for option, hint, value in SHARED_OPTIONS
    ]
    if all(p.name != "on" for p in own):  # every action says when it happened
        own.append(inspect.Parameter("on", keyword, default=None, annotation=On))
    required = sum(1 for p in own if p.default is inspect.Parameter.empty)
    at = required if reason_first else len(own)
    ref = inspect.Parameter("ref", keyword, annotation=Ref)
    return [ref, *own[:at], shared[0], *own[at:], *shared[1:]]


def act(
    reference: str,
    command: Command,
    reason: str,
    request_id: str | None,
    as_json: bool,
    *,
    on: str | None = None,
) -> None:
    """Send `command` as the session's actor, dated `on` when given (when it happened);
    a refusal ends with exit code 3."""
    from parcours.adapters.logs import configure_file_logging

    session = current_session()
    _check_typed(session, reason, command)
    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    meta = session.request(reason, request_id, on)

    async def work(pathways: PathwayClient) -> tuple[str, UpdateResult, Verdicts]:
        pathway_id = await pathways.resolve(reference)
        await _check_session(session, pathways, pathway_id, command)
        named = await designated(session, pathways, pathway_id, command)
        was = await around_correction(pathways, pathway_id, named)
        known = await _last_event(pathways, pathway_id) if request_id else None
        result = earlier(await _send(pathways, pathway_id, named, meta), known)
        await after_done(session, pathways, pathway_id, named, result)
        return pathway_id, result, (was, await around_correction(pathways, pathway_id, named))

    pathway_id, result, verdicts = with_pathways(session, work)
    if as_json:
        changed = {"exit_positive": rejudged(verdicts)} if rejudged(verdicts) else {}
        print_json(
            {"pathway_id": pathway_id, **_plain_result(result), **_created(result), **changed}
        )
        return
    _say(session, pathway_id, result)
    say_rejudged(session, verdicts)


async def _last_event(pathways: PathwayClient, pathway_id: str) -> int | None:
    """The pathway's last event before a request is sent again; None when it cannot be
    asked (the request is sent all the same, and answered as the service answers it)."""
    try:
        return (await pathways.status(pathway_id)).last_event_seq
    except Exception:  # noqa: BLE001 - a question that fails changes nothing sent
        return None


def earlier(result: UpdateResult, known: int | None) -> UpdateResult:
    """The answer to a request sent again under its `--request-id`, said as recorded earlier
    when its event was on the pathway before it was sent (`known`, the last event then).
    The service answers a request id it has seen with the first answer, which said "Done",
    so an outage trial could not tell "your first try went through" from "recorded now"."""
    if known is not None and not result.duplicate and result.seq <= known:
        return dataclasses.replace(result, duplicate=True)
    return result


async def _check_session(
    session: Session, pathways: PathwayClient, pathway_id: str, command: Command
) -> None:
    """A re-entry names a session of the pathway's programme that exists, is open and has
    room: refused as `refer --session` refuses, in one sentence, before anything is sent."""
    from parcours.cli.session_checks import check_referral_session
    from parcours.domain.commands import ReEnter

    if isinstance(command, ReEnter):
        programme = (await pathways.state(pathway_id)).programme
        check_referral_session(session, programme, command.session, reentry=True)


def _check_typed(session: Session, reason: str, command: Command) -> None:
    """A reason left out where the action needs one (`domain.permissions.REASON_REQUIRED`),
    invisible controls in the reason or any text of the command (an agency, an employer, a
    training body…): mistakes on the command line, said before sending (exit 2)."""
    from parcours.cli.labels import action_label
    from parcours.cli.refusals import typed_fault
    from parcours.domain.controls import invisible_controls
    from parcours.domain.inputs import TEXT_LIMIT, control_field, long_field, too_long
    from parcours.domain.permissions import REASON_REQUIRED

    if command.trigger in REASON_REQUIRED and not reason.strip():
        action = action_label(command.trigger, session.text)
        raise CliError(session.text("act.reason_needed", action=action), ExitCode.USAGE)

    found = (
        ("reason", invisible_controls(reason))
        if invisible_controls(reason)
        else control_field(command)
    )
    if found:
        said = typed_fault("bidi", found[0], found[1], session.text)
        raise CliError(said, ExitCode.USAGE)
    if long := ("reason" if too_long(reason) else long_field(command)):
        said = typed_fault("long", long, str(TEXT_LIMIT), session.text)
        raise CliError(said, ExitCode.USAGE)


async def _send(
    pathways: PathwayClient, pathway_id: str, command: Command, meta: RequestMeta
) -> UpdateResult:
    """Send the update; a refusal never reaches the history, so the CLI logs its trace."""
    from parcours.adapters.logs import get_logger
    from parcours.app.errors import RequestRefused

    try:
        return await pathways.execute(pathway_id, command, meta)
    except RequestRefused as err:
        get_logger("parcours.cli").warning(
            "action refused",
            pathway_id=pathway_id,
            command=command.trigger,
            rule=err.rule,
            code=err.code,
            actor_id=meta.actor.actor_id,
            role=meta.actor.role.value,
        )
        raise


def _say(session: Session, pathway_id: str, result: UpdateResult) -> None:
    from parcours.domain.permissions import permitted
    from parcours.domain.vocabulary import Role

    text = session.text
    key = "act.duplicate" if result.duplicate else "act.done"
    console.print(
        text(
            key,
            event=what_happened(result.event, text, result.details),
            seq=result.seq,
            ref=short(pathway_id),
            stage=stage_label(result.stage.value, text),
        )
    )
    for key, record_id in _created(result).items():
        console.print(text(f"act.created.{key}", id=record_id, ref=short(pathway_id)))
    offered = permitted(Role(session.role), result.allowed)
    console.print(text("act.allowed", allowed=action_labels(offered, text)))


def _plain_result(result: UpdateResult) -> dict[str, object]:
    value = plain(result)
    assert isinstance(value, dict)
    return value


def _created(result: UpdateResult) -> dict[str, str]:
    """The id of the record the action created, under its name (`{"barrier_id": "b1"}`), for
    the commands that create one staff name later; empty for the others."""
    from parcours.domain.events import created_record

    found = created_record(result.event, result.details)
    return dict([found]) if found else {}
