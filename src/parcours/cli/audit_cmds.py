"""`parcours audit`: export, replay, the state at an instant, the trail, bundles.

Everything here reads Temporal histories only: no worker needs to run, and a history
file (an export, a bundle, or `temporal workflow show --output json`) can stand in for a
pathway reference. Payloads are decrypted with the keys only where a command needs
their content (replay, at, trail, bundle); export and verify never need them.
"""

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag
from parcours.cli.render import console, pairs, print_json, table, when
from parcours.cli.session import Session

if TYPE_CHECKING:
    from temporalio.client import Client

    from parcours.adapters.temporal.keys import Keyring
    from parcours.audit.fold import Discrepancy, Snapshot
    from parcours.audit.history import PathwayHistory
    from parcours.audit.recording import Recording
    from parcours.audit.replay import ReplayOutcome

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5.0
FETCH_BATCH = 16
"""Pathway histories fetched at once by `audit replay --all`."""


def register(app: typer.Typer, t: Text) -> None:
    audit = typer.Typer(help=t("help.audit"), no_args_is_help=True)
    app.add_typer(audit, name="audit")
    Ref = Annotated[str, typer.Argument(help=t("help.arg.audit_ref"), metavar="REF")]
    Out = Annotated[Path | None, typer.Option("--out", help=t("help.opt.out"), metavar="FILE")]

    @audit.command("export", help=t("help.audit.export"))
    @guarded
    def export(
        reference: Ref,
        out: Out = None,
        per_run: Annotated[
            Path | None, typer.Option("--per-run", help=t("help.opt.per_run"), metavar="DIR")
        ] = None,
    ) -> None:
        from parcours.audit.history import dumps, history_document, run_documents

        session = current_session()
        history = load_history(session, reference)
        if per_run is not None:
            _mkdir(session, per_run)
            for name, document in run_documents(history):
                _write(session, dumps(document), per_run / name)
            console.print(
                session.text(
                    "audit.exported_runs",
                    events=history.event_count,
                    runs=len(history.runs),
                    pathway=history.workflow_id,
                    path=per_run,
                )
            )
            return
        _write(session, dumps(history_document(history)), out)
        if out is not None:
            console.print(
                session.text(
                    "audit.exported",
                    events=history.event_count,
                    runs=len(history.runs),
                    pathway=history.workflow_id,
                    path=out,
                )
            )

    @audit.command("replay", help=t("help.audit.replay"))
    @guarded
    def replay(
        files: Annotated[
            list[Path] | None,
            typer.Argument(help=t("help.arg.history_files"), metavar="FILE..."),
        ] = None,
        everything: Annotated[bool, typer.Option("--all", help=t("help.opt.replay_all"))] = False,
        as_json: JsonFlag = False,
    ) -> None:
        session = current_session()
        if files and everything:
            raise CliError(session.text("audit.replay.both"), ExitCode.USAGE)
        if not files and not everything:
            raise CliError(session.text("audit.replay.nothing"), ExitCode.USAGE)
        outcomes = _replay_all(session) if everything else _replay_files(session, files or [])
        _report_replay(session, outcomes, as_json)

    @audit.command("at", help=t("help.audit.at"))
    @guarded
    def at(
        reference: Ref,
        instant: Annotated[str, typer.Option("--when", help=t("help.opt.when"), metavar="DATE")],
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.audit.fold import NotYetReferred, snapshot
        from parcours.audit.report import snapshot_document
        from parcours.cli.remote import parse_instant

        session = current_session()
        moment = parse_instant(instant, session, "--when")
        recording = load_recording(session, reference)
        try:
            found = snapshot(recording, moment)
        except NotYetReferred:
            raise CliError(
                session.text("audit.at.before", pathway=recording.pathway_id, when=when(moment)),
                ExitCode.NOT_FOUND,
            ) from None
        _warn(session, recording, found.discrepancies)
        if as_json:
            print_json(snapshot_document(found))
            return
        _print_snapshot(session, found)

    @audit.command("trail", help=t("help.audit.trail"))
    @guarded
    def trail(reference: Ref, as_json: JsonFlag = False) -> None:
        from parcours.audit.fold import trail as trail_of
        from parcours.audit.report import trail_document

        session = current_session()
        recording = load_recording(session, reference)
        entries, discrepancies = trail_of(recording)
        _warn(session, recording, discrepancies)
        if as_json:
            print_json(trail_document(recording.pathway_id, entries, discrepancies))
            return
        _print_trail(session, recording, entries)

    @audit.command("bundle", help=t("help.audit.bundle"))
    @guarded
    def bundle(reference: Ref, out: Out = None, as_json: JsonFlag = False) -> None:
        from parcours.audit.bundle import make_bundle
        from parcours.audit.history import PathwayHistory, dumps

        session = current_session()
        history = load_history(session, reference)
        recording = _decode(session, history)
        named = PathwayHistory(recording.workflow_id, history.runs)
        document = make_bundle(named, recording.programme_data)
        _write(session, dumps(document), out)
        message = session.text(
            "audit.bundle.written",
            pathway=recording.workflow_id,
            path=out or "-",
            events=history.event_count,
            runs=len(history.runs),
            head=document["head"],
        )
        if out is not None and as_json:
            print_json(
                {
                    "pathway_id": recording.workflow_id,
                    "path": str(out),
                    "head": document["head"],
                    "events": history.event_count,
                    "runs": len(history.runs),
                }
            )
        elif out is not None:
            console.print(message)
        else:
            typer.echo(message, err=True)

    @audit.command("verify", help=t("help.audit.verify"))
    @guarded
    def verify(
        path: Annotated[Path, typer.Argument(help=t("help.arg.bundle_file"), metavar="BUNDLE")],
        head: Annotated[
            str | None, typer.Option("--head", help=t("help.opt.head"), metavar="HASH")
        ] = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.audit.bundle import verify_bundle
        from parcours.audit.history import read_json_file

        session = current_session()
        verdict = _file_guard(session, lambda: verify_bundle(read_json_file(path), str(path), head))
        if as_json:
            print_json({"intact": verdict.intact, **vars(verdict)})
        text = session.text
        if verdict.intact:
            if not as_json:
                console.print(
                    text(
                        "audit.verify.intact",
                        events=verdict.events,
                        runs=verdict.runs,
                        head=verdict.head,
                    )
                )
            return
        message = text(
            f"audit.verify.{verdict.broken}",
            run=verdict.run,
            run_id=verdict.run_id,
            event=verdict.event_id,
            head=verdict.head,
        )
        raise CliError(message, ExitCode.INVALID_FILE)


# -- reaching histories -----------------------------------------------------------------


def with_client(session: Session, work: "Callable[[Client], Awaitable[T]]") -> T:
    """Connect to the Temporal service and run `work`, with no time limit on the work.

    Histories are read as stored (encrypted): the client needs no keys and no worker.
    """
    import asyncio

    from parcours.adapters.temporal.connection import connect_client
    from parcours.app.client import AmbiguousReference

    settings, text = session.settings, session.text

    async def main() -> T:
        try:
            client = await asyncio.wait_for(connect_client(settings), timeout=CONNECT_TIMEOUT_S)
        except (TimeoutError, RuntimeError, OSError):
            raise CliError(
                text("error.unavailable_at", address=settings.temporal_address),
                ExitCode.UNAVAILABLE,
            ) from None
        return await work(client)

    try:
        return asyncio.run(main())
    except AmbiguousReference as err:
        raise CliError(
            text("error.ambiguous", reference=err.reference, candidates=", ".join(err.candidates)),
            ExitCode.USAGE,
        ) from None


def load_history(session: Session, reference: str) -> "PathwayHistory":
    """The history of a pathway reference, or the one in a file when `reference` is a file."""
    from parcours.app.client import PathwayClient
    from parcours.audit.history import fetch_pathway_history, read_history_file

    path = Path(reference)
    if path.is_file():
        return _file_guard(session, lambda: read_history_file(path))

    async def work(client: "Client") -> "PathwayHistory":
        pathway_id = await PathwayClient(client, session.settings.task_queue).resolve(reference)
        return await fetch_pathway_history(client, pathway_id)

    return with_client(session, work)


def load_recording(session: Session, reference: str) -> "Recording":
    return _decode(session, load_history(session, reference))


def _keyring(session: Session) -> "Keyring":
    from parcours.adapters.temporal.keys import load_keyring

    return load_keyring(session.settings)


def _decode(session: Session, history: "PathwayHistory") -> "Recording":
    import asyncio

    from parcours.adapters.temporal.converter import data_converter
    from parcours.audit.recording import RecordingError, record_of

    converter = data_converter(_keyring(session))
    try:
        return asyncio.run(record_of(history, converter))
    except RecordingError as err:
        why = session.text(f"audit.why.{err.reason}", detail=err.detail)
        raise CliError(
            session.text("error.history_file", path=history.workflow_id, why=why),
            ExitCode.INVALID_FILE,
        ) from None


def _file_guard(session: Session, read: Callable[[], T]) -> T:
    from parcours.audit.history import HistoryFileError

    try:
        return read()
    except HistoryFileError as err:
        why = session.text(f"audit.why.{err.reason}", detail=err.detail)
        raise CliError(
            session.text("error.history_file", path=err.path, why=why), ExitCode.INVALID_FILE
        ) from None


def _mkdir(session: Session, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CliError(
            session.text("audit.cannot_write", path=folder, error=err.strerror or err),
            ExitCode.USAGE,
        ) from None


def _write(session: Session, content: str, out: Path | None) -> None:
    if out is None:
        typer.echo(content, nl=False)
        return
    try:
        out.write_text(content, encoding="utf-8")
    except OSError as err:
        raise CliError(
            session.text("audit.cannot_write", path=out, error=err.strerror or err),
            ExitCode.USAGE,
        ) from None


# -- replay -----------------------------------------------------------------------------


def _progress(session: Session) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _replay_files(session: Session, files: list[Path]) -> "list[ReplayOutcome]":
    import asyncio

    from parcours.audit.history import read_history_file
    from parcours.audit.replay import replay_histories

    histories = [_file_guard(session, partial(read_history_file, path)) for path in files]
    keyring = _keyring(session)
    with _progress(session) as progress:
        bar = progress.add_task(session.text("audit.replay.progress"), total=len(histories))
        last_runs = {h.run_ids[-1] for h in histories}

        def advance(outcome: "ReplayOutcome") -> None:
            if outcome.run_id in last_runs:
                progress.advance(bar)

        return asyncio.run(replay_histories(histories, keyring, on_outcome=advance))


def _replay_all(session: Session) -> "list[ReplayOutcome]":
    import asyncio

    from parcours.app.client import PathwayNotFound
    from parcours.audit.history import PathwayHistory, fetch_pathway_history, pathway_workflow_ids
    from parcours.audit.replay import replay_histories

    keyring = _keyring(session)

    async def fetch(client: "Client", workflow_id: str) -> PathwayHistory | None:
        try:
            return await fetch_pathway_history(client, workflow_id)
        except PathwayNotFound:  # deleted since it was listed
            return None

    async def work(client: "Client") -> "list[ReplayOutcome]":
        ids = await pathway_workflow_ids(client)
        last_runs: set[str] = set()
        with _progress(session) as progress:
            bar = progress.add_task(session.text("audit.replay.progress"), total=len(ids))

            async def histories() -> Any:
                for start in range(0, len(ids), FETCH_BATCH):
                    batch = ids[start : start + FETCH_BATCH]
                    for history in await asyncio.gather(*(fetch(client, i) for i in batch)):
                        if history is None:
                            progress.advance(bar)
                            continue
                        last_runs.add(history.run_ids[-1])
                        yield history

            def advance(outcome: "ReplayOutcome") -> None:
                if outcome.run_id in last_runs:
                    progress.advance(bar)

            return await replay_histories(histories(), keyring, on_outcome=advance)

    return with_client(session, work)


def _report_replay(session: Session, outcomes: "list[ReplayOutcome]", as_json: bool) -> None:
    from parcours.audit.report import replay_document

    text = session.text
    failed = [o for o in outcomes if o.failed]
    if as_json:
        print_json(replay_document(outcomes))
    else:
        for o in outcomes:
            if o.failed:
                console.print(
                    text(
                        "audit.replay.failed",
                        workflow=o.workflow_id,
                        run=o.run_id,
                        event=o.event_id if o.event_id is not None else "?",
                        event_type=o.event_type or "?",
                        message=o.message,
                    ),
                    markup=False,
                )
            else:
                console.print(
                    text("audit.replay.ok", workflow=o.workflow_id, run=o.run_id, events=o.events),
                    markup=False,
                )
    summary = text(
        "audit.replay.summary",
        replayed=len(outcomes),
        pathways=len({o.workflow_id for o in outcomes}),
        ok=len(outcomes) - len(failed),
        failed=len(failed),
    )
    if failed:
        raise CliError(summary, ExitCode.INVALID_FILE)
    if not as_json:
        console.print(summary)


# -- printing ---------------------------------------------------------------------------


def _warn(session: Session, recording: "Recording", discrepancies: "list[Discrepancy]") -> None:
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


def _print_snapshot(session: Session, found: "Snapshot") -> None:
    from parcours.cli.pathway_cmds import event_label, short, stage_label

    text = session.text
    state = found.state
    none = text("none")
    rows = [
        (text("show.pathway"), f"{state.pathway_id} ({short(state.pathway_id)})"),
        (text("show.programme"), f"{state.programme} v{state.programme_version}"),
        (text("audit.at.as_of"), when(found.when)),
        (text("show.stage"), f"{stage_label(state.stage.value, text)} ({when(state.stage_since)})"),
        (text("show.referent"), state.referent),
        (text("show.session"), state.session),
        (text("show.referred"), when(state.referred_at)),
        (text("show.contract"), when(state.contract_signed_at)),
        (text("show.deadline"), when(found.accompaniment_ends_at)),
        (
            text("show.barriers"),
            ", ".join(f"{b.barrier_id} {b.kind.value} ({b.status.value})" for b in state.barriers)
            or none,
        ),
        (
            text("show.consents"),
            ", ".join(
                c.partner_kind.value
                + (f" ({text('show.withdrawn')})" if c.withdrawn_at else "")
                + (f" → {when(c.expires_at)}" if c.expires_at else "")
                for c in state.consents
            )
            or none,
        ),
        (
            text("audit.at.trainings"),
            ", ".join(
                f"{tr.training_id} {tr.title} ({when(tr.starts_at)} → {when(tr.ends_at)})"
                for tr in state.trainings
            )
            or none,
        ),
        (
            text("audit.at.missions"),
            ", ".join(
                f"{m.mission_id} {m.contract_type.value} {m.weekly_hours:g} h ({when(m.starts_at)}"
                f" → {when(m.ended_at or m.ends_at)})"
                for m in state.missions
            )
            or none,
        ),
        (
            text("show.alerts"),
            ", ".join(f"{a.alert_id} ({a.status.value})" for a in found.open_alerts) or none,
        ),
    ]
    if state.outcome is not None:
        verdict = text("show.positive") if state.outcome.positive else text("show.not_positive")
        rows.append((text("show.outcome"), f"{state.outcome.reason.value} ({verdict})"))
    last = found.last_event
    if last is not None:
        why = text("audit.at.why", reason=last.reason) if last.reason else ""
        rows.append(
            (
                text("audit.at.last"),
                text(
                    "audit.at.last_value",
                    seq=last.seq,
                    event=event_label(last.kind, text),
                    at=when(last.at),
                    actor=last.actor_id,
                    role=last.role.value,
                )
                + why,
            )
        )
    pairs(text("audit.at.title", ref=short(state.pathway_id), when=when(found.when)), rows)
    if found.when > found.recorded_until:
        key = "audit.at.projected" if found.projected else "audit.at.beyond"
        console.print(text(key, until=when(found.recorded_until)))


def _print_trail(session: Session, recording: "Recording", entries: Any) -> None:
    from parcours.cli.pathway_cmds import event_label, short, stage_label

    text = session.text
    runs = {run_id: index for index, run_id in enumerate(recording.run_ids, start=1)}
    table(
        text(
            "audit.trail.title",
            ref=short(recording.pathway_id),
            programme=recording.programme.name,
            version=recording.programme.version,
        ),
        [
            text(f"audit.trail.col.{c}")
            for c in ("seq", "at", "event", "stage", "by", "why", "source")
        ],
        [
            [
                str(e.event.seq),
                when(e.event.at),
                event_label(e.event.kind, text),
                stage_label(e.event.stage.value, text),
                f"{e.event.actor_id} ({e.event.role.value})",
                e.event.reason,
                text("audit.trail.source", run=runs.get(e.run_id, "?"), event=e.history_event_id),
            ]
            for e in entries
        ],
    )
