"""What every command runs in: who runs it (the session), the connection to the pathways,
and one sentence with an exit code for whatever fails.

The session's actor comes from `--as`, else `PARCOURS_ACTOR`, else the config file
(`PARCOURS_CONFIG`, default `~/.config/parcours/config.toml`); the role likewise from
`--role`, `PARCOURS_ROLE` or the file. An actor is an opaque staff id, never a name. The
file's credential, when it holds one, signs every request sent (`app.signed_client`).
"""

from __future__ import annotations

import functools
import os
import sys
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import typer

from parcours.adapters.settings import InvalidSeconds, InvalidSetting, Settings
from parcours.cli import typed_words
from parcours.cli.config_file import config_path, read_config
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError, translate
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text, choose_language, lang_variable
from parcours.cli.labels import role_label, role_labels
from parcours.cli.process import BROKEN_PIPE, silence_stdout, stdout_closed
from parcours.cli.render import zone_name
from parcours.domain.controls import without_controls
from parcours.locale import LANGUAGES
from parcours.locale.words import named

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.app.client import PathwayClient
    from parcours.app.credentials import SigningKey
    from parcours.domain.records import RequestMeta
    from parcours.domain.vocabulary import Role

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

ROLES = ("staff", "coordinator", "partner", "auditor")


@dataclass
class Session:
    """What every command knows: language, actor, role and settings."""

    text: Text
    settings: Settings
    actor_id: str | None
    role: str
    signing_key: SigningKey | None = None
    """The staff credential of the config file: every request is signed with it."""
    sent_request: str | None = None
    """The request id of the action this command sends, once it is built: an action left
    unanswered names it, since it may still apply (`cli.answers`)."""
    today_on: datetime | None = None
    """What `--on` with today's date stands for: now, once, so a request and its command agree."""

    @property
    def lang(self) -> str:
        return self.text.lang

    def require_actor(self) -> str:
        if not self.actor_id:
            raise CliError(self.text("error.no_actor"), ExitCode.USAGE)
        return self.actor_id

    def new_request_id(self) -> str:
        return f"req-{uuid.uuid4().hex}"

    def request(self, reason: str, request_id: str | None, on: str | None = None) -> RequestMeta:
        """Who asks, why, and the id that makes a retried request count once; dated `on`
        when given (`--on`: when it happened, for what is entered after the fact)."""
        from parcours.domain.records import Actor, RequestMeta
        from parcours.domain.vocabulary import Role

        actor = Actor(self.require_actor(), Role(self.role))
        self.sent_request = request_id or self.new_request_id()
        effective_at = None if on is None else parse_instant(on, self, "--on")
        return RequestMeta(self.sent_request, actor, reason, effective_at=effective_at)


_ACTIVE: list[Session] = []


def active_session() -> Session | None:
    """The session of the command running now (one command per process, or per test call)."""
    return _ACTIVE[-1] if _ACTIVE else None


def current_session() -> Session:
    """The session the root command opened for this invocation."""
    session = active_session()
    if session is None:  # pragma: no cover - the root callback always opens one
        raise CliError("parcours was not started through its root command.", ExitCode.INTERNAL)
    return session


def role_key(role: object, text: Text) -> str:
    """The role typed (`--role`, PARCOURS_ROLE, the config file): its key, or its name in
    either language (`coordinateur`); another is refused listing each key with its name."""
    key = named("role", ROLES, str(role))
    if key is None:
        listed = typed_words.allowed("role", ROLES, text)
        said = text("error.bad_role", role=role, allowed=listed)
        raise CliError(said, ExitCode.USAGE)
    return key


def open_session(
    lang: str,
    actor: str | None,
    role: str | None,
    env: Mapping[str, str] | None = None,
    *,
    speaking: str | None = None,
) -> Session:
    """The session a command runs in, in `lang` as asked; `speaking` is the language the app
    was built in, which says the refusal of a language parcours does not speak."""
    env = os.environ if env is None else env
    for key, said in (("error.bad_lang", lang), ("error.bad_lang_variable", lang_variable(env))):
        if said and said.lower()[:2] not in LANGUAGES:
            allowed = " / ".join(LANGUAGES)
            refusing = Text(speaking or lang)
            raise CliError(refusing(key, lang=said, allowed=allowed), ExitCode.USAGE)
    text = Text(lang)
    config = read_config(config_path(env), text)
    actor_id = actor or env.get("PARCOURS_ACTOR") or config.get("actor")
    chosen_role = role_key(role or env.get("PARCOURS_ROLE") or config.get("role") or "staff", text)
    check_zone(text)
    try:
        settings = Settings.from_env(env)
    except (InvalidSetting, InvalidSeconds) as err:
        raise translate(err, text) from None
    session = Session(text, settings, str(actor_id) if actor_id else None, chosen_role)
    from parcours.app.staff import signing_key

    session.signing_key = signing_key(config)
    _ACTIVE[:] = [session]
    return session


def check_zone(text: Text) -> None:
    """A misspelt PARCOURS_TIMEZONE would shift every date typed: refuse it up front."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone_name())
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(text("error.bad_timezone", zone=zone_name()), ExitCode.USAGE) from None


def permitted_session(
    may: Callable[[Role], bool], allowed: Collection[Role], refusal_key: str
) -> Session:
    """The session, if the domain rule `may` lets its role run the command; another role is
    refused with `refusal_key`, which names the role and the roles `allowed`."""
    from parcours.domain.vocabulary import Role

    session = current_session()
    if not may(Role(session.role)):
        names = role_labels((r.value for r in allowed), session.text)
        role = role_label(session.role, session.text)
        said = session.text(refusal_key, role=role, allowed=names)
        raise CliError(said, ExitCode.REFUSED)
    return session


def reader_session() -> Session:
    """The session of a command that reads pathways; a role that may not is refused."""
    from parcours.domain.permissions import PATHWAY_READERS, may_read_pathways

    return permitted_session(may_read_pathways, PATHWAY_READERS, "error.may_not_read")


def guarded(body: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command body so that any failure ends in one line on stderr and an exit code."""

    @functools.wraps(body)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return body(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as err:  # noqa: BLE001 - every failure becomes one sentence
            if isinstance(err, BrokenPipeError) and stdout_closed():
                silence_stdout()
                raise typer.Exit(BROKEN_PIPE) from None
            fail(translate(err, _text()))

    return wrapper


def _text() -> Text:
    session = active_session()
    return session.text if session is not None else Text(choose_language(sys.argv[1:]))


def fail(err: CliError) -> NoReturn:
    print(without_controls(err.message), file=sys.stderr)  # it may quote what was recorded
    raise typer.Exit(int(err.code))


def resolved(session: Session, reference: str) -> str:
    """The pathway id a reference names (its id or a short one), as every command finds it."""

    async def work(pathways: PathwayClient) -> str:
        return await pathways.resolve(reference)

    return with_pathways(session, work)


def with_pathways(
    session: Session,
    work: Callable[[PathwayClient], Awaitable[T]],
    *,
    whole_timeout: bool = True,
    decrypt: bool = True,
) -> T:
    """Connect, run `work` with the pathway client, and return its result.

    With `decrypt` the client carries the encrypting converter; without, histories are
    read as stored. `work` gets `answer_timeout()` seconds in all (a long job passes
    `whole_timeout=False`); no answer, in any shape, is exit 5 (`cli.answers`), Ctrl-C 130.
    """
    import asyncio

    from parcours.cli import answers
    from parcours.cli.connection import pathway_client

    limit = answer_timeout()

    async def main() -> T:
        pathways = await pathway_client(session, decrypt, limit if whole_timeout else None)
        try:
            if not whole_timeout:
                return await work(pathways)
            return await asyncio.wait_for(work(pathways), timeout=limit)
        except Exception as err:
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # Ctrl-C: an interruption (exit 130)
                raise asyncio.CancelledError from None
            said = answers.said_unanswered(session, err, limit, bounded=whole_timeout)
            if said is None:
                raise
            raise said from None

    return asyncio.run(main())


def answer_timeout() -> float:
    """How long a command waits for a worker to answer (PARCOURS_ANSWER_TIMEOUT, seconds)."""
    return current_session().settings.answer_timeout


def typed_instant(
    value: str | None, option: str = "--on", *, happened: bool | None = None, hour: bool = False
) -> datetime:
    """`parse_instant` in this command's session: what a staff action's date option says."""
    return parse_instant(value, current_session(), option, happened=happened, hour=hour)


def open_readmodel() -> Store:
    """The read model's store, or "cannot be reached" (exit 5)."""
    from sqlalchemy.exc import OperationalError

    from parcours.adapters.readmodel import ReadModelAhead, UnsupportedDatabase, open_store

    session = current_session()
    try:
        return open_store(session.settings.readmodel_url)
    except ReadModelAhead:
        raise  # said by `errors.translate`, with the migrations it names
    except (OperationalError, UnsupportedDatabase) as err:
        raise CliError(
            session.text("error.readmodel", detail=type(err).__name__), ExitCode.UNAVAILABLE
        ) from None
