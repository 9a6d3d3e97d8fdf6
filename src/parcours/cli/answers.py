"""What a command says when nobody answers it, and how long a question waits.

When the service cannot be reached, or no worker answers, a command ends with exit 5
and one sentence: why, whether an action may still apply and under which request id,
and the exact command to run to find out (`rerun_command`). An action is retried under
the same `--request-id`: once a worker runs it answers "already recorded", or applies
the action once. A read is simply run again.

A question to a pathway (a query) waits `QUESTION_TIMEOUT_S` at most, or less when
PARCOURS_ANSWER_TIMEOUT says so, so that `show` or `timeline` with no worker ends in
seconds rather than after the whole answer timeout; a worker that runs answers a query
in milliseconds, or in a second when it replays a long history first.
"""

from __future__ import annotations

import dataclasses
import shlex
import sys
from datetime import timedelta
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol

from temporalio.client import OutboundInterceptor, QueryWorkflowInput
from typer._click.core import Context, Parameter
from typer._click.globals import get_current_context

from parcours.app.errors import unanswered as why_unanswered
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import decimal

if TYPE_CHECKING:
    from parcours.adapters.settings import Settings
    from parcours.cli.i18n import Text


class Session(Protocol):
    """What a command's session (`cli.runtime.Session`) tells these sentences."""

    @property
    def text(self) -> Text: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def sent_request(self) -> str | None: ...


QUESTION_TIMEOUT_S = 10.0
"""The longest a query waits for a worker (PARCOURS_ANSWER_TIMEOUT when shorter)."""

REQUEST_OPTION = "--request-id"


class _BoundedOutbound(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, seconds: float) -> None:
        super().__init__(next)
        self._deadline = timedelta(seconds=seconds)

    async def query_workflow(self, input: QueryWorkflowInput) -> Any:
        if input.rpc_timeout is None:
            input = dataclasses.replace(input, rpc_timeout=self._deadline)
        return await super().query_workflow(input)


def with_bounded_questions(client: Any, seconds: float) -> Any:
    """The same connection, every query it sends given a deadline of `seconds` unless it
    has one."""
    from parcours.app.outbound import with_outbound

    return with_outbound(client, partial(_BoundedOutbound, seconds=seconds))


def question_timeout(limit: float) -> float:
    """How long one question to a pathway waits: `QUESTION_TIMEOUT_S`, or `limit` if less."""
    return min(limit, QUESTION_TIMEOUT_S)


def said_unanswered(
    session: Session, err: BaseException, limit: float, *, bounded: bool
) -> CliError | None:
    """The exit-5 sentence when `err` says nobody answered (`app.errors.unanswered`), else
    None. A read whose questions are `bounded` waited `question_timeout`; an action, or
    a bound of the command's own (`TimeoutError`), waited `limit`."""
    why = why_unanswered(err)
    if why is None:
        return None
    own = isinstance(err, TimeoutError) or session.sent_request is not None or not bounded
    return unanswered(session, why, limit if own else question_timeout(limit))


def unanswered(session: Session, why: str, seconds: float) -> CliError:
    """Nobody answered: `why` (`app.errors.unanswered`), what may still apply, the way out."""
    text = session.text
    reason = text(
        f"error.why.{why}",
        seconds=decimal(seconds, text.lang),  # 0.5, not 0: the timeout takes fractions
        address=session.settings.temporal_address,
    )
    request_id = session.sent_request
    if request_id is None:
        said = text("error.unanswered_read", why=reason, command=rerun_command(None))
    elif takes_request_id():
        said = text(
            "error.unanswered_referral" if _referring() else "error.unanswered_action",
            why=reason,
            request_id=request_id,
            command=rerun_command(request_id),
        )
    else:
        said = text(
            "error.unanswered_unkeyed",
            why=reason,
            request_id=request_id,
            command=rerun_command(None),
        )
    return CliError(said, ExitCode.UNAVAILABLE)


def unreachable(session: Session) -> CliError:
    """The service cannot be reached at all: nothing was sent, so nothing can apply."""
    said = session.text(
        "error.unreachable",
        address=session.settings.temporal_address,
        command=rerun_command(None),
    )
    return CliError(said, ExitCode.UNAVAILABLE)


def takes_request_id() -> bool:
    """Whether the command running now has a `--request-id` option."""
    ctx = get_current_context(silent=True)
    return ctx is not None and any(
        REQUEST_OPTION in getattr(param, "opts", ()) for param in ctx.command.params
    )


def _referring() -> bool:
    """Whether the command running now is `refer`: a referral nobody answered may have
    claimed the person and not started their pathway, which only running it again does
    (`app.referral`), so it is not said to apply by itself."""
    ctx = get_current_context(silent=True)
    return ctx is not None and ctx.info_name == "refer"


def rerun_command(request_id: str | None) -> str:
    """The command running now as it could be typed again (`--request-id` set to
    `request_id` when given): options left at their default are left out."""
    ctx = get_current_context(silent=True)
    if ctx is None:  # outside a command (a test calling a function): the line as typed
        return shlex.join(["parcours", *sys.argv[1:]])
    chain: list[Context] = []
    found: Context | None = ctx
    while found is not None:
        chain.append(found)
        found = found.parent
    words: list[str] = []
    for depth, level in enumerate(reversed(chain)):
        words.append("parcours" if depth == 0 else level.info_name or "")
        words += _typed(level, skip_request=request_id is not None)
    if request_id is not None:
        words += [REQUEST_OPTION, request_id]
    return shlex.join(words)


def _typed(ctx: Context, *, skip_request: bool) -> list[str]:
    """The arguments and options given to one level of the command, in its order."""
    words: list[str] = []
    for param in ctx.command.params:
        if not param.expose_value or param.name is None:
            continue
        if skip_request and REQUEST_OPTION in param.opts:
            continue
        value = ctx.params.get(param.name)
        if value is None or value == param.default or value in ((), []):
            continue
        words += _param_words(param, value)
    return words


def _param_words(param: Parameter, value: object) -> list[str]:
    """One argument's values, or one option's name and values (a flag's name alone)."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    if param.param_type_name == "argument":
        return [_word(v) for v in values]
    name = next((o for o in param.opts if o.startswith("--")), param.opts[0])
    if getattr(param, "is_flag", False):
        return [name] if value is True else param.secondary_opts[:1]
    return [word for v in values for word in (name, _word(v))]


def _word(value: object) -> str:
    if isinstance(value, PurePath):
        return str(value)
    return str(getattr(value, "value", value))
