"""Where `parcours audit` reads histories from and writes documents to.

A reference is a pathway or a job-dating event (`jobdating-…`; read from the service, as
stored: encrypted, no worker needed) or a history file (an export, a bundle, `temporal
workflow show --output json`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from parcours.cli.errors import CliError, unwritable, write_file
from parcours.cli.exit_codes import ExitCode
from parcours.cli.runtime import Session, with_pathways

if TYPE_CHECKING:
    from parcours.adapters.temporal.keys import Keyring
    from parcours.app.client import PathwayClient
    from parcours.audit.bundle import Verdict
    from parcours.audit.fold import Discrepancy
    from parcours.audit.history import PathwayHistory
    from parcours.audit.recording import Recording

T = TypeVar("T")


def load_history(session: Session, reference: str) -> PathwayHistory:
    """The history of a pathway reference, or the one in a file when `reference` is a file
    (checked before use: `audit.checks`)."""
    from parcours.audit.checks import read_checked_history
    from parcours.audit.history import fetch_pathway_history

    path = Path(reference)
    if path.is_file():
        return file_guard(session, lambda: read_checked_history(path))

    async def work(pathways: PathwayClient) -> PathwayHistory:
        return await fetch_pathway_history(pathways.temporal, await _resolved(pathways, reference))

    from parcours.app.jobdating import BadEventReference, JobDatingNotFound
    from parcours.cli.jobdating_view import failure

    try:
        return with_pathways(session, work, whole_timeout=False, decrypt=False)
    except (JobDatingNotFound, BadEventReference) as err:
        said = failure(err, session.text)
        assert said is not None
        raise said from None


async def _resolved(pathways: PathwayClient, reference: str) -> str:
    """A pathway's id, or a job-dating's (`jobdating-…`, or a prefix of it)."""
    from parcours.app import jobdating
    from parcours.app.errors import PathwayNotFound
    from parcours.workflows.jobdating_messages import JOBDATING_PREFIX

    if reference.strip().lower().startswith(JOBDATING_PREFIX):
        return await jobdating.resolve(pathways.temporal, pathways.task_queue, reference)
    try:
        return await pathways.resolve(reference)
    except PathwayNotFound:  # the short reference `jobdating list` prints: the event's
        try:
            return await jobdating.resolve(pathways.temporal, pathways.task_queue, reference)
        except (jobdating.JobDatingNotFound, jobdating.BadEventReference):
            pass
        raise


def load_recording(session: Session, reference: str) -> Recording:
    return decode(session, load_history(session, reference))


def keyring(session: Session) -> Keyring:
    from parcours.adapters.temporal.keys import load_keyring

    return load_keyring(session.settings)


def decode(session: Session, history: PathwayHistory) -> Recording:
    """What the history recorded, decrypted with the keys."""
    import asyncio

    from parcours.adapters.temporal.converter import data_converter
    from parcours.audit.broken import NothingToFold
    from parcours.audit.recording import RecordingError, record_of
    from parcours.cli.reads import ReadCommand, opened_if_sealed
    from parcours.cli.refusals import refusal_reason

    converter = data_converter(keyring(session))
    try:
        return file_guard(session, lambda: asyncio.run(record_of(history, converter)))
    except NothingToFold as err:
        detail = opened_if_sealed(
            session, ReadCommand.AUDIT_TRAIL, [history.workflow_id], err.detail
        )
        detail = refusal_reason(err.code, err.values, detail, session.text)
        said = session.text(
            f"audit.nothing.{err.reason}", pathway=history.workflow_id, detail=detail
        )
        waiting = err.reason == "not_yet"  # again in a moment, or once a worker is up
        raise CliError(said, ExitCode.UNAVAILABLE if waiting else ExitCode.CANNOT_RUN) from None
    except RecordingError as err:
        why = session.text(f"audit.why.{err.reason}", detail=err.detail)
        raise CliError(
            session.text("error.history_file", path=history.workflow_id, why=why),
            ExitCode.INVALID_FILE,
        ) from None


def file_guard(session: Session, read: Callable[[], T]) -> T:
    """Read, check or decode a history; one that cannot be read, does not check out or is
    not a pathway's is one sentence and exit 6, keys that do not open it exit 7."""
    from parcours.adapters.temporal.encryption import UnknownKey
    from parcours.audit.checks import AlteredPayload, BrokenBundle, NotAPathway, WrongKey
    from parcours.audit.history import HistoryFileError

    try:
        return read()
    except (HistoryFileError, BrokenBundle, NotAPathway, AlteredPayload) as err:
        raise CliError(refused(session, err), ExitCode.INVALID_FILE) from None
    except (WrongKey, UnknownKey) as err:
        kind = "wrong" if isinstance(err, WrongKey) else "unknown"
        said = session.text(f"audit.keys.{kind}", key_id=err.key_id)
        raise CliError(said, ExitCode.KEYS) from None


def refused(session: Session, err: Exception) -> str:
    """Why a history is not used, in one sentence."""
    from parcours.audit.checks import AlteredPayload, BrokenBundle, NotAPathway
    from parcours.audit.history import HistoryFileError

    text = session.text
    if isinstance(err, BrokenBundle):
        return text("audit.not_used", path=err.path, link=broken_link(session, err.verdict))
    if isinstance(err, NotAPathway):
        return text("audit.not_pathway", source=err.source, found=err.found, expected=err.expected)
    if isinstance(err, AlteredPayload):
        return text(
            "audit.altered", source=err.source, run=err.run, event=err.event_id, key_id=err.key_id
        )
    assert isinstance(err, HistoryFileError)
    why = text(f"audit.why.{err.reason}", detail=err.detail, **err.values)
    return text("error.history_file", path=err.path, why=why)


def broken_link(session: Session, verdict: Verdict) -> str:
    """The first link of a bundle's chain that does not hold, as `verify` says it."""
    return session.text(
        f"audit.link.{verdict.broken}",
        run=verdict.run,
        run_id=verdict.run_id,
        event=verdict.event_id,
        found=verdict.found,
    )


def make_folder(session: Session, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise unwritable(session.text, "audit.cannot_write", folder, err) from None


def write(session: Session, content: str, out: Path | None) -> None:
    """Write to `out`, or to standard output without it."""
    if out is None:
        typer.echo(content, nl=False)
        return
    write_file(session.text, "audit.cannot_write", out, content)


def warn(session: Session, recording: Recording, discrepancies: list[Discrepancy]) -> None:
    """Doubts go to stderr, one line each, so `--json` output stays clean."""
    text = session.text
    for d in discrepancies:
        typer.echo(
            text(
                "audit.discrepancy",
                what=text(f"audit.discrepancy.{d.kind}"),
                run=d.run_id,
                event=d.event_id,
                detail=d.detail,
            ),
            err=True,
        )
    if recording.skipped_updates:
        names = ", ".join(sorted(set(recording.skipped_updates)))
        typer.echo(text("audit.skipped", names=names), err=True)
    if recording.continues:
        typer.echo(text("audit.continues"), err=True)
