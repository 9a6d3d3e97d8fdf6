"""`parcours extract`, run: who may, the key file, the progress bar, the files and what
was written. The data dictionary's words come from the two catalogues, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parcours.cli.errors import CliError, unwritable
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import console, local_zone, print_json, say_troubled, tally
from parcours.cli.runtime import answer_timeout, permitted_session, with_pathways
from parcours.locale import catalogue

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.extract import Extracted
    from parcours.cli.runtime import Session

KEY_FILE = "extract.key"
"""The extract key's file beside the key file (the config folder by default), unless
`--key-file` names another. Before 5 December 2026 it was in the data folder, so that a
copy of the data carried the key with it: one found there is still used, and said."""


def extractor_session() -> Session:
    """The session of `parcours extract`: auditors and coordinators only."""
    from parcours.domain.permissions import EXTRACT_READERS, may_extract

    return permitted_session(may_extract, EXTRACT_READERS, "error.extract_role")


def dictionary() -> list[tuple[str, str, str]]:
    """Each column with its description in French and in English."""
    from parcours.domain.extract import COLUMNS

    french, english = catalogue("fr"), catalogue("en")
    return [
        (c.name, french[f"extract.column.{c.name}"], english[f"extract.column.{c.name}"])
        for c in COLUMNS
    ]


def _key(session: Session, key_file: Path | None) -> tuple[bytes, bool, Path]:
    from parcours.app.extract import ExtractKeyError, load_or_create_key

    path = key_file or _default_key(session)
    try:
        key, created = load_or_create_key(path)
    except ExtractKeyError as err:
        raise CliError(
            session.text(f"error.extract_key_{err.problem}", path=err.path), ExitCode.KEYS
        ) from None
    except OSError as err:
        raise unwritable(
            session.text, "error.extract_key_unwritable", path, err, ExitCode.KEYS
        ) from None
    return key, created, path


def _default_key(session: Session) -> Path:
    """The key beside the key file (`PARCOURS_KEY_FILE`'s folder, which every extractor of
    a deployment shares as they share the keyring); the data folder's, said on stderr,
    while only it exists. Both there and different: refused (exit 7), as two key files are."""
    from parcours.cli.render import err_console

    settings = session.settings
    kept, earlier = settings.key_file.parent / KEY_FILE, settings.data_dir / KEY_FILE
    if not earlier.exists() or earlier.resolve() == kept.resolve():
        return kept
    if not kept.exists():
        err_console.print(
            session.text("extract.key_in_data", path=earlier, kept=kept), markup=False
        )
        return earlier
    if kept.read_bytes().strip() != earlier.read_bytes().strip():
        said = session.text("error.extract_key_two", path=earlier, kept=kept)
        raise CliError(said, ExitCode.KEYS)
    return kept


def _gather(session: Session, programme: str, key: bytes, as_json: bool) -> Extracted:
    from parcours.app.extract import gather_rows

    async def work(pathways: PathwayClient) -> Extracted:
        with tally(session.text("extract.reading"), as_json=as_json) as bar:
            return await gather_rows(
                pathways,
                programme,
                key,
                answer_timeout=answer_timeout(),
                on_listed=bar.listed,
                on_done=bar.done,
                zone=local_zone(),
            )

    return with_pathways(session, work, whole_timeout=False)


def _ready(session: Session, out: Path, replace: bool) -> Path | None:
    """The folder `--out` can take the files: made now and a file written and removed in
    it, so that a folder that cannot be is refused (exit 2) before any pathway is read and
    the reads logged, and before the key is made. One that holds an extract already is
    refused unless `replace`: the evaluator may hold the one a second run would silently
    write over. Returns the first folder it made (None when `out` was there), for
    `_undo` to remove should the extract fail after all."""
    import tempfile

    from parcours.app.extract import FILES

    held = [name for name in FILES if (out / name).exists()]
    if held and not replace:
        said = session.text("extract.exists", folder=out, files=", ".join(held))
        raise CliError(said, ExitCode.USAGE)
    made = next((p for p in reversed((out, *out.parents)) if not p.exists()), None)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileNotFoundError:  # its parent is there, yet takes no folder (/proc, say)
        _undo(made, out)
        said = session.text("error.extract_out", path=out, error=session.text("os.cannot_make"))
        raise CliError(said, ExitCode.USAGE) from None
    except OSError as err:
        _undo(made, out)  # the parents it made before it failed
        raise unwritable(session.text, "error.extract_out", out, err) from None
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        _undo(made, out)
        raise unwritable(session.text, "error.extract_out", out, err) from None
    return made


def _undo(made: Path | None, out: Path) -> None:
    """Remove the folders `_ready` made, from `out` up to `made`, those still empty."""
    if made is None:
        return
    for folder in (out, *out.parents):
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == made:
            return


def run_extract(
    session: Session,
    programme: str,
    out: Path,
    key_file: Path | None,
    *,
    as_json: bool,
    replace: bool = False,
) -> None:
    from parcours.app.extract import write_extract
    from parcours.cli.reads import ReadCommand, logged, prove_session, reader_of
    from parcours.programmes import get_programme

    get_programme(programme)  # an unknown programme is refused (exit 4) before anything
    prove_session(session, reader_of(session), "read")  # before any pathway is read (exit 3)
    made = _ready(session, out, replace)  # a folder that cannot take them: said before any read
    try:
        key, created, key_path = _key(session, key_file)
        extracted = _gather(session, programme, key, as_json)
        if extracted.opened:  # the birth dates opened, each a read, logged before any file
            logged(session, ReadCommand.EXTRACT, extracted.opened, programme)
        try:
            files = write_extract(out, extracted.rows, dictionary())
        except OSError as err:
            raise unwritable(session.text, "error.extract_out", out, err) from None
    except BaseException:
        _undo(made, out)  # a key refused, the service or the read log down: no folder left
        raise
    say_troubled(session.text, "extract.troubled", extracted.troubled)
    _say(session, extracted, (out, files), (key_path, created), as_json)


def _say(
    session: Session,
    extracted: Extracted,
    written: tuple[Path, list[Path]],
    key: tuple[Path, bool],
    as_json: bool,
) -> None:
    """What was written, and the key: made now, or read."""
    (out, files), (key_path, created) = written, key
    if as_json:
        print_json(
            {
                "rows": len(extracted.rows),
                "files": [str(f) for f in files],
                "key_file": str(key_path),
                "key_created": created,
                "cannot_run": [t.pathway_id for t in extracted.troubled],
            }
        )
        return
    if created:
        console.print(session.text("extract.key_created", path=key_path), markup=False)
    console.print(
        session.text("extract.written", count=len(extracted.rows), folder=out), markup=False
    )
