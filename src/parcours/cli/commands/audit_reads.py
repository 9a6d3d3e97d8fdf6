"""`parcours audit reads`: who read whose file, from the read log (no Temporal needed).

Auditors and coordinators only. Lists each logged read (when, who and in which role,
which command, which pathway or programme, the key id of the credential the reader
proved, or none), oldest first, narrowed to one pathway, one
reader or from a date. The listing itself holds no personal data, so it is not a read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import actor_label, short, word
from parcours.cli.oversight import read_log_session
from parcours.cli.render import console, print_json, table, when
from parcours.cli.runtime import open_readmodel

if TYPE_CHECKING:
    from parcours.adapters.readmodel import ReadEntry
    from parcours.cli.i18n import Text
    from parcours.cli.runtime import Session

COLUMNS = ("at", "by", "command", "pathway", "programme", "key")


def list_reads(
    reference: str | None, actor: str | None, since: str | None, *, as_json: bool
) -> None:
    from parcours.app.errors import PathwayNotFound
    from parcours.app.read_log import reads

    session = read_log_session()
    start = parse_instant(since, session, "--from") if since is not None else None
    with open_readmodel() as store:
        try:
            found = reads(store, reference, actor.strip() if actor else None, start)
        except PathwayNotFound:
            said = session.text("audit.reads.unknown", reference=reference)
            raise CliError(said, ExitCode.NOT_FOUND) from None
    if as_json:
        print_json({"reads": [_document(entry) for entry in found]})
        return
    if not found:
        console.print(session.text("audit.reads.none"), markup=False)
        return
    text = session.text
    table(
        text("audit.reads.title", count=len(found)),
        [text(f"audit.reads.col.{column}") for column in COLUMNS],
        [_row(entry, session) for entry in found],
    )


def _document(entry: ReadEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor_id": entry.actor_id,
        "role": entry.role.value,
        "command": entry.command,
        "pathway_id": entry.pathway_id,
        "programme": entry.programme,
        "key_id": entry.key_id,
    }


def _row(entry: ReadEntry, session: Session) -> list[str]:
    text = session.text
    pathway = f"{entry.pathway_id} ({short(entry.pathway_id)})" if entry.pathway_id else "—"
    return [
        when(entry.at),
        actor_label(entry.actor_id, entry.role.value, text),
        _command_read(entry, text),
        pathway,
        entry.programme or "—",
        entry.key_id or "—",
    ]


def _command_read(entry: ReadEntry, text: Text) -> str:
    """What the command read, as the log's reader reads it; `show` by a role that sees no
    identity (an auditor) read the pathway without the person."""
    from parcours.domain.permissions import may_see_identity

    if entry.command == "show" and not may_see_identity(entry.role):
        return text("audit.reads.command.show_without_identity")
    return word("audit.reads.command", entry.command, text)  # one a later version logs: as is
