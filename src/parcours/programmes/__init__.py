"""The programme catalogue: the versioned definition files shipped with parcours.

Files are named `<name>.v<version>.toml`. Reading them is I/O, so it lives here and not
in the domain, which only parses text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from parcours.domain.errors import InvalidProgramme
from parcours.domain.programme import ProgrammeDefinition, load_programme_text

CATALOGUE_DIR = Path(__file__).parent
_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9-]+)\.v(?P<version>\d+)\.toml$")


class UnknownProgramme(LookupError):
    """No programme (or no such version) in the catalogue."""


def load_programme_file(path: Path) -> ProgrammeDefinition:
    """Parse one programme file; any fault is one line naming the file and the key path."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidProgramme(f"{path}: (file): no such file") from None
    except IsADirectoryError:
        raise InvalidProgramme(f"{path}: (file): is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InvalidProgramme(f"{path}: (file): not UTF-8 text") from None
    return load_programme_text(text, source=str(path))


@cache
def catalogue() -> dict[str, dict[int, ProgrammeDefinition]]:
    """Every shipped programme, by name then version."""
    found: dict[str, dict[int, ProgrammeDefinition]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        match = _FILE.match(path.name)
        if match is None:
            continue
        programme = load_programme_file(path)
        found.setdefault(programme.name, {})[programme.version] = programme
    return found


def get_programme(name: str, version: int | None = None) -> ProgrammeDefinition:
    """The named programme at `version`, or its latest version."""
    versions = catalogue().get(name)
    if not versions:
        known = ", ".join(sorted(catalogue())) or "none"
        raise UnknownProgramme(f"no programme named {name!r}; known programmes: {known}")
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        known_versions = ", ".join(str(v) for v in sorted(versions))
        raise UnknownProgramme(
            f"programme {name!r} has no version {version}; versions: {known_versions}"
        )
    return versions[version]
