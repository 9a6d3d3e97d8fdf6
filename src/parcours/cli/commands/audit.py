"""`parcours audit`: export, replay, the state at an instant, the trail, bundles, reads.

Everything here reads Temporal histories only: no worker needs to run, and a history
file (an export, a bundle, or `temporal workflow show --output json`) can stand in for a
pathway reference. Payloads are decrypted with the keys only where a command needs
their content (replay, at, trail, bundle); export and verify never need them. `reads`
lists the read log of the read model instead (`audit_reads.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcours.cli.commands import audit_files as files
from parcours.cli.commands import audit_jobdating as jobdating
from parcours.cli.commands.audit_replay import replay_all, replay_files, report_replay
from parcours.cli.corrected import described, happened_and_recorded
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import actor_label, as_typed, short, stage_label
from parcours.cli.options import JsonFlag, Out, flag, group_module
from parcours.cli.render import console, print_json, table, when
from parcours.cli.runtime import Session, current_session, guarded, open_readmodel

if TYPE_CHECKING:
    from parcours.audit.recording import Recording
    from parcours.audit.signatures import Proof
    from parcours.cli.i18n import Text
    from parcours.domain.records import PathwayEvent

commands, audit = group_module("audit")

AuditRef = Annotated[str, typer.Argument(help="help.arg.audit_ref", metavar="REF")]


@audit.command("export", help="help.audit.export")
@guarded
def export(
    reference: AuditRef,
    out: Out = None,
    per_run: Annotated[
        Path | None, typer.Option("--per-run", help="help.opt.per_run", metavar="DIR")
    ] = None,
) -> None:
    from parcours.audit.history import dumps, history_document, run_documents

    session = current_session()
    history = files.load_history(session, reference)
    counts = {"events": history.event_count, "runs": len(history.runs)}
    if per_run is not None:
        files.make_folder(session, per_run)
        for name, document in run_documents(history):
            files.write(session, dumps(document), per_run / name)
        said = session.text(
            "audit.exported_runs", pathway=history.workflow_id, path=per_run, **counts
        )
        console.print(said)
        return
    files.write(session, dumps(history_document(history)), out)
    if out is not None:
        said = session.text("audit.exported", pathway=history.workflow_id, path=out, **counts)
        console.print(said)


@audit.command("replay", help="help.audit.replay")
@guarded
def replay(
    files: Annotated[
        list[Path] | None, typer.Argument(help="help.arg.history_files", metavar="FILE...")
    ] = None,
    everything: Annotated[bool, flag("--all", "replay_all")] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", help="help.opt.replay_jobs", metavar="N")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.adapters.logs import configure_file_logging

    session = current_session()
    if jobs is not None and jobs < 1:
        raise CliError(session.text("audit.replay.jobs", given=jobs), ExitCode.USAGE)
    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    if files and everything:
        raise CliError(session.text("audit.replay.both"), ExitCode.USAGE)
    if not files and not everything:
        raise CliError(session.text("audit.replay.nothing"), ExitCode.USAGE)
    outcomes = replay_all(session, jobs) if everything else replay_files(session, files or [], jobs)
    report_replay(session, outcomes, as_json)


@audit.command("at", help="help.audit.at")
@guarded
def at(
    reference: AuditRef,
    instant: Annotated[str, typer.Option("--when", help="help.opt.when", metavar="DATE")],
    as_recorded: Annotated[bool, flag("--as-recorded")] = False,
    as_json: JsonFlag = False,
) -> None:
    from parcours.audit.checks import is_jobdating
    from parcours.audit.fold import NotYetReferred
    from parcours.audit.happened import snapshot_at
    from parcours.audit.report import snapshot_document
    from parcours.cli.reads import ReadCommand, logged, opened
    from parcours.cli.status import print_snapshot

    session = current_session()
    moment = parse_instant(instant, session, "--when")
    history = files.load_history(session, reference)
    if is_jobdating(history):
        raise jobdating.refuse_at(session, history)
    recording = files.decode(session, history)
    try:
        found = snapshot_at(recording, moment, as_recorded=as_recorded)
    except NotYetReferred:
        raise CliError(
            session.text(
                "audit.at.not_recorded" if as_recorded else "audit.at.before",
                pathway=recording.pathway_id,
                when=when(moment),
            ),
            ExitCode.NOT_FOUND,
        ) from None
    files.warn(session, recording, found.discrepancies)
    logged(session, ReadCommand.AUDIT_AT, [recording.pathway_id])  # the reasons typed
    found = opened(session, found)
    if as_json:
        print_json(snapshot_document(found))
        return
    print_snapshot(found, session.text, as_recorded=as_recorded)
    if found.when > found.recorded_until:
        key = "audit.at.projected" if found.projected else "audit.at.beyond"
        console.print(session.text(key, until=when(found.recorded_until)))


@audit.command("trail", help="help.audit.trail")
@guarded
def trail(reference: AuditRef, as_json: JsonFlag = False) -> None:
    from parcours.audit.checks import is_jobdating
    from parcours.audit.fold import trail as trail_of
    from parcours.audit.report import trail_document
    from parcours.audit.signatures import proofs as proofs_of
    from parcours.cli.reads import ReadCommand, logged, opened

    session = current_session()
    history = files.load_history(session, reference)
    if is_jobdating(history):
        jobdating.print_trail(session, history, as_json=as_json)
        return
    recording = files.decode(session, history)
    entries, discrepancies, positive_now = trail_of(recording)
    files.warn(session, recording, discrepancies)
    logged(session, ReadCommand.AUDIT_TRAIL, [recording.pathway_id])
    entries = opened(session, entries)
    proofs = proofs_of(recording, open_readmodel())
    if as_json:
        print_json(trail_document(recording.pathway_id, entries, discrepancies, proofs))
        return
    _print_trail(session, recording, entries, proofs, positive_now)


def _described(entries: Any, text: Text, positive_now: bool | None) -> list[str]:
    return described([e.event for e in entries], text, positive_now)


PROOF_MARKS = {"valid": "✓", "invalid": "✗", "unknown_key": "?"}
"""How the trail marks a signature checked again: holds, does not hold, key not known here;
a job-dating's outcome, handed on by parcours, is said so in words (`audit.trail.handed_on`)."""


def _signed_by(event: PathwayEvent, proofs: dict[str, Proof], text: Text) -> str:
    """Who acted, and the credential that proves it (`audit.signatures`)."""
    who = actor_label(event.actor_id, event.role.value, text)
    proof = proofs.get(event.request_id, "")
    mark = text("audit.trail.handed_on") if proof == "handed_on" else PROOF_MARKS.get(proof, "")
    return f"{who} {event.key_id} {mark}".rstrip() if event.key_id else who


def _print_trail(
    session: Session,
    recording: Recording,
    entries: Any,
    proofs: dict[str, Proof],
    positive_now: bool | None,
) -> None:
    text = session.text
    runs = {run_id: index for index, run_id in enumerate(recording.run_ids, start=1)}
    columns = ("seq", "at", "event", "stage", "by", "why", "source")
    table(
        text(
            "audit.trail.title",
            ref=short(recording.pathway_id),
            programme=recording.programme.name,
            version=recording.programme.version,
        ),
        [text(f"audit.trail.col.{c}") for c in columns],
        [
            [
                str(e.event.seq),
                happened_and_recorded(e.event, text, stacked=True),
                said,
                stage_label(e.event.stage.value, text),
                _signed_by(e.event, proofs, text),
                as_typed(e.event.reason, text),
                text("audit.trail.source", run=runs.get(e.run_id, "?"), event=e.history_event_id),
            ]
            for e, said in zip(entries, _described(entries, text, positive_now), strict=True)
        ],
    )


@audit.command("bundle", help="help.audit.bundle")
@guarded
def bundle(reference: AuditRef, out: Out = None, as_json: JsonFlag = False) -> None:
    from parcours.audit.bundle import make_bundle
    from parcours.audit.history import PathwayHistory, dumps

    session = current_session()
    history = files.load_history(session, reference)
    recording = files.decode(session, history)
    named = PathwayHistory(recording.workflow_id, history.runs)
    document = make_bundle(named, recording.programme_data)
    files.write(session, dumps(document), out)
    counts = {"head": document["head"], "events": history.event_count, "runs": len(history.runs)}
    if out is not None and as_json:
        print_json({"pathway_id": recording.workflow_id, "path": str(out), **counts})
        return
    message = session.text(
        "audit.bundle.written", pathway=recording.workflow_id, path=out or "-", **counts
    )
    if out is not None:
        console.print(message)
    else:
        typer.echo(message, err=True)


@audit.command("verify", help="help.audit.verify")
@guarded
def verify(
    path: Annotated[Path, typer.Argument(help="help.arg.bundle_file", metavar="BUNDLE")],
    head: Annotated[
        str | None, typer.Option("--head", help="help.opt.head", metavar="HASH")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.audit.bundle import verify_bundle
    from parcours.audit.history import read_json_file

    session = current_session()
    verdict = files.file_guard(
        session, lambda: verify_bundle(read_json_file(path), str(path), head)
    )
    if as_json:
        print_json({"intact": verdict.intact, **vars(verdict)})
    text = session.text
    if verdict.broken == "expected":
        raise CliError(text("audit.verify.expected", head=verdict.head), ExitCode.INVALID_FILE)
    if not verdict.intact:
        message = text("audit.verify.broken", link=files.broken_link(session, verdict))
        raise CliError(message, ExitCode.INVALID_FILE)
    if not as_json:
        said = text(
            "audit.verify.intact", events=verdict.events, runs=verdict.runs, head=verdict.head
        )
        console.print(said)


@audit.command("reads", help="help.audit.reads")
@guarded
def reads(
    reference: Annotated[
        str | None, typer.Argument(help="help.arg.reads_ref", metavar="[REF]")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", help="help.opt.reads_actor", metavar="ID")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--from", help="help.opt.reads_from", metavar="DATE")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.cli.commands.audit_reads import list_reads

    list_reads(reference, actor, since, as_json=as_json)
