"""One sentence and a documented exit code for every failure a user can meet.

`translate` turns an exception raised below the CLI (settings, keys, the pathway client,
the programmes, the Temporal service) into a `CliError` in the reader's language. The
exception classes are imported only when a command fails, so `--help` never pays for them.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.labels import action_labels, word
from parcours.cli.refusals import refusal_reason

if TYPE_CHECKING:
    from pathlib import Path

    from parcours.adapters.temporal.keys import KeyringError


class CliError(Exception):
    """A failure to report as one line on stderr, exiting with `code`."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def unwritable(
    text: Text, key: str, path: Path, err: OSError, code: ExitCode = ExitCode.USAGE
) -> CliError:
    """`path` could not be written: the sentence `key` names it and gives the system's reason."""
    return CliError(text(key, path=path, error=os_reason(err, text)), code)


OS_REASONS = {
    errno.ENOENT: "missing",
    errno.ENOTDIR: "not_a_folder",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
    errno.EISDIR: "is_a_folder",
    errno.ENOSPC: "disk_full",
    errno.EROFS: "read_only",
    errno.EEXIST: "file_exists",
}
"""The system's reasons a file could not be written that staff meet, said in their words."""


def os_reason(err: OSError, text: Text) -> str:
    """Why the system refused, in the reader's language; the system's own words otherwise."""
    known = OS_REASONS.get(err.errno or 0)
    return text(f"os.{known}") if known else str(err.strerror or err)


def write_file(text: Text, key: str, path: Path, content: str) -> None:
    """Write `content` to `path` in UTF-8; a failure is the sentence `key` (exit 2)."""
    try:
        path.write_text(content, encoding="utf-8")
    except OSError as err:
        raise unwritable(text, key, path, err) from None


def translate(err: BaseException, text: Text) -> CliError:
    """The user-facing sentence for an exception raised below the CLI."""
    if isinstance(err, CliError):
        return err
    for step in (_setting_error, _client_error, _health_error, _service_error):
        found = step(err, text)
        if found is not None:
            return found
    return CliError(
        text("error.internal", kind=type(err).__name__, detail=str(err)), ExitCode.INTERNAL
    )


def _setting_error(err: BaseException, text: Text) -> CliError | None:
    """A setting or TLS file that cannot be used: a mistake in how parcours is run."""
    from parcours.adapters.settings import InvalidSeconds, InvalidSetting

    if isinstance(err, InvalidSetting):
        said = text(
            "error.bad_setting_number",
            variable=err.variable,
            value=err.value,
            low=err.low,
            high=err.high,
            default=err.default,
        )
        return CliError(said, ExitCode.USAGE)
    if isinstance(err, InvalidSeconds):
        said = text(
            "error.bad_setting_seconds",
            variable=err.variable,
            value=err.value,
            default=f"{err.default:g}",
        )
        return CliError(said, ExitCode.USAGE)
    from parcours.adapters.temporal.connection import TlsFileError

    if isinstance(err, TlsFileError):
        why = text(f"error.tls.{err.reason}")
        said = text("error.tls_file", variable=err.variable, path=err.path, why=why)
        return CliError(said, ExitCode.USAGE)
    return None


def _client_error(err: BaseException, text: Text) -> CliError | None:
    """What the pathway client, the programmes and the domain say no with."""
    from parcours.app.errors import PathwayNotFound, RequestRefused
    from parcours.app.references import AmbiguousReference, ReferenceTooShort
    from parcours.domain.errors import DomainError, InvalidProgramme
    from parcours.domain.signing import CREDENTIALS_UNAVAILABLE
    from parcours.programmes import UnknownProgramme

    if isinstance(err, InvalidProgramme):
        return CliError(str(err), ExitCode.INVALID_FILE)
    if isinstance(err, RequestRefused | DomainError) and err.rule == REQUEST_ID_REUSED:
        first = word("action", err.values.get("first", ""), text)
        said = text("error.request_id_reused", request_id=err.values.get("request_id"), first=first)
        return CliError(said, ExitCode.USAGE)
    if isinstance(err, RequestRefused | DomainError) and err.code == CREDENTIALS_UNAVAILABLE:
        # the credentials could not be read: an outage (exit 5), not a verdict (exit 3)
        return CliError(text("error.credentials_unread"), ExitCode.UNAVAILABLE)
    if isinstance(err, RequestRefused | DomainError):
        reason = refusal_reason(err.code, err.values, err.message, text)
        if not err.allowed:  # a rule of a session, an erasure...: no pathway's list to give
            return CliError(
                text("error.refused_bare", rule=err.rule, message=reason), _refusal_exit(err.rule)
            )
        allowed = action_labels(err.allowed, text)
        said = text("error.refused", rule=err.rule, message=reason, allowed=allowed)
        return CliError(said, _refusal_exit(err.rule))
    if isinstance(err, PathwayNotFound):
        return CliError(text("error.pathway_not_found", pathway=err.args[0]), ExitCode.NOT_FOUND)
    if isinstance(err, UnknownProgramme):
        return unknown_programme(err.name, err.version, err.known, text)
    if isinstance(err, AmbiguousReference):
        candidates = ", ".join(err.candidates)
        said = text("error.ambiguous", reference=err.reference, candidates=candidates)
        return CliError(said, ExitCode.USAGE)
    if isinstance(err, ReferenceTooShort):
        said = text("error.reference_too_short", reference=err.reference, minimum=err.minimum)
        return CliError(said, ExitCode.USAGE)
    return _referral_error(err, text)


def _referral_error(err: BaseException, text: Text) -> CliError | None:
    """A second referral of a person, or a return of someone no pathway holds."""
    from parcours.app.errors import DuplicateReferral, NoEarlierPathway
    from parcours.workflows.reservation import TAKE_OVER_AFTER

    if isinstance(err, NoEarlierPathway):
        return CliError(text("error.no_earlier_pathway", programme=err.args[0]), ExitCode.NOT_FOUND)
    if isinstance(err, DuplicateReferral):
        said = _DUPLICATE_BY_STAGE.get(err.stage, "error.duplicate")
        minutes = int(TAKE_OVER_AFTER.total_seconds() // 60)
        return CliError(text(said, pathway=err.pathway_id, minutes=minutes), ExitCode.REFUSED)
    return None


_DUPLICATE_BY_STAGE = {
    "exited": "error.duplicate_exited",
    "dropped_out": "error.duplicate_dropped_out",
    "not_started": "error.duplicate_not_started",
}
"""What a second referral is told when the pathway that holds the person has exited (refer
them again with `--returning`), dropped out (re-enter it), or was never started (complete
the referral that claimed the person, or wait until it gives way)."""


def unknown_programme(name: str, version: int | None, known: str, text: Text) -> CliError:
    """A programme (or version) the catalogue does not hold, and what it holds (exit 4)."""
    known = known or text("none")
    if version is None:
        said = text("error.unknown_programme", name=name, known=known)
    else:
        said = text("error.unknown_programme_version", name=name, version=version, known=known)
    return CliError(said, ExitCode.NOT_FOUND)


REQUEST_ID_REUSED = "request_id_reused"
"""A request id already used for another command (`domain.requests`): a mistake in the
command line (exit 2), said without the pathway's allowed list, which has no bearing on it."""


def _health_error(err: BaseException, text: Text) -> CliError | None:
    """A pathway whose workflow cannot run, failed, or was closed for that (exit 8); a
    `doctor close` of a pathway that runs (exit 3)."""
    from parcours.app.doctor import NotInTrouble
    from parcours.app.health import CLOSED, FAILED, PathwayCannotRun

    if isinstance(err, NotInTrouble):
        return CliError(text("error.not_in_trouble", pathway=err.pathway_id), ExitCode.REFUSED)
    if not isinstance(err, PathwayCannotRun):
        return None
    trouble = err.trouble
    key = {FAILED: "error.failed", CLOSED: "error.closed_broken"}.get(
        trouble.condition, "error.cannot_run"
    )
    said = text(
        key,
        pathway=trouble.pathway_id,
        error=trouble.error,
        actor=trouble.closed_by or "?",
        reason=_unless_sealed(trouble.reason, text),
    )
    return CliError(said, ExitCode.CANNOT_RUN)


def _unless_sealed(reason: str, text: Text) -> str:
    """A closing reason as an error sentence may say it: one sealed under the person's key
    is opened only by `parcours doctor`, which logs the read."""
    return text("error.closed_reason_sealed") if "sealed:pk-" in reason else reason


NOT_FOUND_RULES = frozenset({"unknown_reference"})
"""Refusals that say a record the command names is not on the pathway: not found (exit 4),
as an unknown pathway is, rather than a rule saying no."""


def _refusal_exit(rule: str) -> ExitCode:
    return ExitCode.NOT_FOUND if rule in NOT_FOUND_RULES else ExitCode.REFUSED


def _service_error(err: BaseException, text: Text) -> CliError | None:
    """Keys that do not open, a service that cannot be reached or has no worker."""
    from parcours.activities.person_keys import PersonKeysUnavailable
    from parcours.adapters.temporal.devserver import DevServerError
    from parcours.adapters.temporal.encryption import DecryptionError
    from parcours.adapters.temporal.keys import KeyringError

    if isinstance(err, PersonKeysUnavailable):
        return CliError(text("error.person_keys", detail=str(err)), ExitCode.UNAVAILABLE)
    if isinstance(err, KeyringError):
        return CliError(keyring_sentence(err, text), ExitCode.KEYS)
    if isinstance(err, DecryptionError):
        return CliError(text("error.decrypt"), ExitCode.KEYS)
    if isinstance(err, DevServerError):
        return CliError(text(f"devserver.{err.reason}", **err.values), ExitCode.UNAVAILABLE)
    return _codec_error(err, text) or _readmodel_ahead(err, text) or _unanswered(err, text)


def _readmodel_ahead(err: BaseException, text: Text) -> CliError | None:
    """A read model a newer parcours migrated: run that parcours (exit 5)."""
    from parcours.adapters.readmodel.migrate import HEAD, ReadModelAhead

    if isinstance(err, ReadModelAhead):
        return CliError(
            text("error.readmodel_ahead", stamped=err.stamped, head=HEAD), ExitCode.UNAVAILABLE
        )
    return None


def _codec_error(err: BaseException, text: Text) -> CliError | None:
    """The codec passes' secret (a key: exit 7), the codec server's port (exit 5)."""
    from parcours.adapters.secret_file import SecretFileError
    from parcours.codec.http import CodecServerError

    if isinstance(err, SecretFileError):
        said = text(f"secret.{err.reason}", path=err.path, error=err.error)
        return CliError(said, ExitCode.KEYS)
    if isinstance(err, CodecServerError):
        return CliError(text(f"codec.server.{err.reason}", **err.values), ExitCode.UNAVAILABLE)
    return None


def _unanswered(err: BaseException, text: Text) -> CliError | None:
    """A service or worker that did not answer a command that asks it outside
    `runtime.with_pathways` (which says the way out itself): exit 5."""
    from temporalio.client import WorkflowQueryFailedError

    from parcours.app.errors import NO_POLLER, unanswered

    if isinstance(err, WorkflowQueryFailedError):  # the worker failed to answer: its fault
        return CliError(text("error.query_failed"), ExitCode.UNAVAILABLE)
    why = unanswered(err)
    if why is None:
        return None
    key = "error.no_worker_running" if why == NO_POLLER else "error.unavailable"
    return CliError(text(key), ExitCode.UNAVAILABLE)


def keyring_sentence(err: KeyringError, text: Text) -> str:
    """The key problem in the reader's language; the English sentence if it has no words."""
    source = text("keyring.source_file", path=err.path) if err.path else "PARCOURS_KEYS"
    try:
        return text(f"keyring.{err.reason}", source=source, path=err.path, **err.values)
    except KeyError:
        return str(err)
