"""The words people read, in French and English: `en.toml` and `fr.toml`, one key a text.

Reading them is I/O, so it lives here and not in the domain; the CLI (`cli/i18n.py`), the
partner mails (`adapters/channels/render.py`) and the English of an adapter's errors
(`adapters/temporal/connection.py`) all read their words from here. A test checks both
catalogues have the same keys and the same {placeholders}.

Parsing a catalogue's TOML takes some 20 ms, which every command would pay before it
says anything: the flattened catalogue is kept as JSON in the user's cache folder
(`$XDG_CACHE_HOME/parcours`, else `~/.cache/parcours`), named by the size and CRC-32 of
the TOML it came from, so an edited or upgraded catalogue is read afresh. Without a
writable cache folder, the TOML is parsed each time.
"""

from __future__ import annotations

import json
import os
import threading
import zlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).parent


CACHE_FORMAT = 1
"""In the kept files' names: raise it when what a catalogue is flattened into changes, so
that files kept by the code before are not read as this code's."""


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of one language by its dotted key (`event.referred`)."""
    source = (LOCALE_DIR / f"{lang}.toml").read_bytes()
    digest = f"{len(source)}-{zlib.crc32(source):08x}"  # a check, not a seal: no hashlib
    kept = _kept_file(f"locale-{lang}-v{CACHE_FORMAT}-{digest}.json")
    found = _read_kept(kept) if kept is not None else None
    if found is not None:
        return found
    import tomllib  # noqa: PLC0415 - only when the cache cannot serve

    flat = _flatten(tomllib.loads(source.decode("utf-8")))
    if kept is not None:
        _keep(kept, flat)
    return flat


def cache_folder() -> Path | None:
    """Where parcours keeps what it can compute again (the parsed catalogues):
    `$XDG_CACHE_HOME/parcours` when that is an absolute path, as XDG says, else
    `~/.cache/parcours`; None without a home to find it in."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "parcours"
    try:
        return Path.home() / ".cache" / "parcours"
    except RuntimeError:  # no HOME, and a user with no home in the password database
        return None


def _kept_file(name: str) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / name


def _read_kept(path: Path) -> dict[str, str] | None:
    """The catalogue kept at `path`; None when there is none or it is not one."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


def _keep(path: Path, flat: dict[str, str]) -> None:
    """Write `flat` to `path` whole or not at all (a rename); a failure only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass


def _flatten(tree: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat
