"""Commands only some roles run, the service cannot check by itself: the partner
directory, sessions, imports, erasure, retention, `find`, the read log.

A role is only declared on the command line (`--role`, PARCOURS_ROLE); a pathway checks
the signed request itself, but a command that works on the read model alone must check
it here: the session's staff credential must be in force and grant the role declared,
as a read of a person's file is proven (`cli.reads`), or the command does nothing (exit
3). Nothing is checked in the declared-roles mode.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.reads import prove_session, reader_of
from parcours.cli.runtime import Session, current_session, permitted_session

if TYPE_CHECKING:
    from parcours.domain.vocabulary import Role


def overseer_session(refusal_key: str, words: str = "oversee") -> Session:
    """The session of a command for coordinators only, proven (a refusal said in the
    sentences under `words`); another role is refused."""
    from parcours.domain.permissions import may_oversee
    from parcours.domain.vocabulary import Role

    session = current_session()
    if not may_oversee(Role(session.role)):
        raise CliError(session.text(refusal_key), ExitCode.REFUSED)
    prove_session(session, reader_of(session), words=words)
    return session


def read_log_session() -> Session:
    """The session of `audit reads`: auditors and coordinators, proven."""
    from parcours.domain.permissions import READ_LOG_READERS, may_read_read_log

    return _proven(may_read_read_log, READ_LOG_READERS, "error.read_log_role")


def sweep_preview_session() -> Session:
    """The session of `retention sweep --dry-run`: auditors and coordinators, proven."""
    from parcours.domain.permissions import SWEEP_PREVIEWERS, may_preview_sweep

    return _proven(may_preview_sweep, SWEEP_PREVIEWERS, "retention.sweep_preview_role")


def _proven(may: Callable[[Role], bool], allowed: Collection[Role], refusal_key: str) -> Session:
    """The session of a role `may` lets run the command, its credential proven; another
    role is refused in the sentence `refusal_key`."""
    session = permitted_session(may, allowed, refusal_key)
    prove_session(session, reader_of(session), words="oversee")
    return session
