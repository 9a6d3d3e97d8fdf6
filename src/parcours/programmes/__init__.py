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
_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9-]{1,40})\.v(?P<version>[1-9][0-9]*)\.toml$")
"""A catalogue file name, `<name>.v<version>.toml`: a valid programme name, a version
without leading zeros."""


class UnknownProgramme(LookupError):
    """No programme (or no such version) in the catalogue: `name`, the `version` asked
    (None for the latest) and what there is (`known`: names, or that name's versions), so
    that a front end says it in its reader's language; `str()` is English."""

    def __init__(self, name: str, version: int | None, known: str) -> None:
        if version is None:
            said = f"no programme named {name!r}; known programmes: {known or 'none'}"
        else:
            said = f"programme {name!r} has no version {version}; versions: {known}"
        super().__init__(said)
        self.name, self.version, self.known = name, version, known

    def __reduce__(self) -> tuple[type[UnknownProgramme], tuple[str, int | None, str]]:
        """Made again from its values, as a process pool sends it back to its parent."""
        return (type(self), (self.name, self.version, self.known))


def file_name_of(programme: ProgrammeDefinition) -> str:
    """The one file name a programme version may have in the catalogue."""
    return f"{programme.name}.v{programme.version}.toml"


def check_file_name(path: Path, programme: ProgrammeDefinition) -> None:
    """Refuse a file whose name is not `<name>.v<version>.toml` for the name and version it
    declares: a copy left at the old version would otherwise replace that version."""
    expected = file_name_of(programme)
    if path.name == expected:
        return
    match = _FILE.match(path.name)
    if match is None:
        raise InvalidProgramme(
            f"{path}: (file): a programme file is named <name>.v<version>.toml; "
            f"name this one {expected}"
        )
    if match["name"] != programme.name:
        raise InvalidProgramme(
            f"{path}: name: is {programme.name!r} but the file name says {match['name']!r}; "
            f'set name = "{match["name"]}" or name the file {expected}'
        )
    raise InvalidProgramme(
        f"{path}: version: is {programme.version} but the file name says {match['version']}; "
        f"set version = {match['version']} or name the file {expected}"
    )


def load_programme_file(path: Path) -> ProgrammeDefinition:
    """Parse one programme file; any fault is one line naming the file and the key path.

    A file named like a catalogue file, `<name>.v<version>.toml`, must declare that name and
    version; a file named otherwise (a draft) is only parsed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidProgramme(f"{path}: (file): no such file") from None
    except IsADirectoryError:
        raise InvalidProgramme(f"{path}: (file): is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InvalidProgramme(f"{path}: (file): not UTF-8 text") from None
    programme = load_programme_text(text, source=str(path))
    if _FILE.match(path.name) is not None:
        check_file_name(path, programme)
    return programme


def load_catalogue(folder: Path) -> dict[str, dict[int, ProgrammeDefinition]]:
    """Every programme file in `folder`, by name then version. Each `*.toml` file there must
    be named `<name>.v<version>.toml` for what it declares, and each name and version be
    declared once; the first file that is not is refused, one line naming it."""
    found: dict[str, dict[int, ProgrammeDefinition]] = {}
    declared_by: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        programme = load_programme_file(path)
        check_file_name(path, programme)
        # Unreachable while file names are checked (one name per version), kept so that
        # no later way of finding files can let one version silently replace another.
        if programme.key in declared_by:
            raise InvalidProgramme(
                f"{path}: version: {programme.name} version {programme.version} "
                f"is already declared by {declared_by[programme.key]}"
            )
        declared_by[programme.key] = path
        found.setdefault(programme.name, {})[programme.version] = programme
    return found


@cache
def _cached_catalogue(folder: Path) -> dict[str, dict[int, ProgrammeDefinition]]:
    return load_catalogue(folder)


def catalogue(folder: Path | None = None) -> dict[str, dict[int, ProgrammeDefinition]]:
    """The programmes of `folder` (the shipped ones by default), read once per process."""
    return _cached_catalogue(CATALOGUE_DIR if folder is None else folder)


def get_programme(
    name: str, version: int | None = None, *, folder: Path | None = None
) -> ProgrammeDefinition:
    """The named programme at `version`, or its latest version (from `folder`, the shipped
    catalogue by default)."""
    programmes = catalogue(folder)
    versions = programmes.get(name)
    if not versions:
        raise UnknownProgramme(name, None, ", ".join(sorted(programmes)))
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        known_versions = ", ".join(str(v) for v in sorted(versions))
        raise UnknownProgramme(name, version, known_versions)
    return versions[version]
