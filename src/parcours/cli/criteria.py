"""The shipped programmes as their files name them, and each one's eligibility criteria,
for `intake complete --help` and `list --programme`; a criterion typed by its name.

Read straight from the programme files with `tomllib` (the latest version of each name),
without the pydantic models: building them would make `--help` wait a tenth of a second.
The files are validated by `parcours.programmes` wherever a programme is used, and
`tests/cli/test_programme_cli.py` checks this reading agrees with the validated catalogue.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parcours.cli.i18n import Text
    from parcours.domain.programme import ProgrammeDefinition

PROGRAMMES_DIR = Path(__file__).resolve().parent.parent / "programmes"
_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9-]{1,40})\.v(?P<version>[1-9][0-9]*)\.toml$")


def latest_files(folder: Path = PROGRAMMES_DIR) -> dict[str, Path]:
    """Each programme's latest version file, by programme name, in name order."""
    found: dict[str, tuple[int, Path]] = {}
    for path in folder.glob("*.toml"):
        match = _FILE.match(path.name)
        if match is None:
            continue
        version = int(match["version"])
        if match["name"] not in found or found[match["name"]][0] < version:
            found[match["name"]] = (version, path)
    return {name: found[name][1] for name in sorted(found)}


def known_programme(name: str | None, text: Text) -> None:
    """Refuse a programme the catalogue has no file of (exit 4), by the files' names alone:
    a `--programme` filter (`list`, `alerts`, `session list`, `jobdating list`) then says a
    misspelt name, rather than an empty table, without building the models. None (no
    filter) passes."""
    if name is None:
        return
    names = latest_files()
    if name not in names:
        from parcours.cli.errors import unknown_programme

        raise unknown_programme(name, None, ", ".join(names), text)


def criteria_by_programme(folder: Path = PROGRAMMES_DIR) -> dict[str, list[str]]:
    """The criterion keys of each programme's latest version, as its file lists them."""
    criteria: dict[str, list[str]] = {}
    for name, path in latest_files(folder).items():
        with path.open("rb") as file:
            data = tomllib.load(file)
        criteria[name] = [str(c.get("key", "")) for c in data.get("eligibility", [])]
    return criteria


def criteria_help(text: Text) -> dict[str, str]:
    """The values of the `--criterion` option's help: `atp-cergy: a, b | nouveau-depart: c`."""
    listed = (
        text("programme.named", kind=name, names=", ".join(keys))
        for name, keys in criteria_by_programme().items()
    )
    return {"criteria": " | ".join(listed)}


def criterion_key(programme: ProgrammeDefinition, typed: str) -> str:
    """The key of the criterion of `programme` that `typed` names: its key, or its label
    in either language, whole or up to its parenthesis ("salariée précaire"), whatever
    the case, accents and inclusive ending. As typed when it names none: the pathway then
    refuses it, listing the programme's criteria."""
    from parcours.locale.words import is_named

    for criterion in programme.eligibility:
        labels = (criterion.label.fr, criterion.label.en)
        names = [
            criterion.key,
            *(form for label in labels for form in (label, label.split(" (")[0])),
        ]
        if is_named(typed, names):
            return criterion.key
    return typed
