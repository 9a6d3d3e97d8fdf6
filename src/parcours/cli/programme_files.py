"""The shipped programmes' files read as they are: each programme's latest version, its
eligibility criteria's keys and names. Read straight with `tomllib`, without the pydantic
models (`cli.criteria` says why), and apart from `cli.criteria`, so that a refusal's words
(`cli.refusals`) can name criteria without importing the CLI's errors."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.cli.i18n import Text

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


@functools.cache
def _eligibility(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The eligibility tables of each programme's latest version, as its file lists them
    (read once a process: the help lists both keys and names)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name, path in latest_files(folder).items():
        with path.open("rb") as file:
            found[name] = list(tomllib.load(file).get("eligibility", []))
    return found


def criteria_by_programme(folder: Path = PROGRAMMES_DIR) -> dict[str, list[str]]:
    """The criterion keys of each programme's latest version, as its file lists them."""
    return {
        name: [str(c.get("key", "")) for c in table] for name, table in _eligibility(folder).items()
    }


def criterion_labels(lang: str, folder: Path = PROGRAMMES_DIR) -> dict[str, str]:
    """Each criterion key of the programmes' latest versions, with its label in `lang`."""
    return {
        str(c.get("key", "")): str(c.get("label", {}).get(lang, c.get("key", "")))
        for table in _eligibility(folder).values()
        for c in table
    }


def criteria_said(keys: str, text: Text) -> str:
    """Criterion keys as a refusal lists them ("a, b"), each with its label first: "Souhaite
    sortir de la prostitution (wishes_to_leave_prostitution)"; an unknown key as it is."""
    labels = criterion_labels(text.lang)
    named = (f"{labels[k]} ({k})" if k in labels else k for k in keys.split(", ") if k)
    return ", ".join(named)
