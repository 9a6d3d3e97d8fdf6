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
import zlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of one language by its dotted key (`event.referred`)."""
    source = (LOCALE_DIR / f"{lang}.toml").read_bytes()
    digest = f"{len(source)}-{zlib.crc32(source):08x}"  # a check, not a seal: no hashlib
    kept = cache_folder() / f"locale-{lang}-{digest}.json"
    try:
        found = json.loads(kept.read_text(encoding="utf-8"))
        if isinstance(found, dict):
            return found
    except (OSError, ValueError):
        pass
    import tomllib  # noqa: PLC0415 - only when the cache cannot serve

    flat = _flatten(tomllib.loads(source.decode("utf-8")))
    _keep(kept, flat)
    return flat


def cache_folder() -> Path:
    """Where parcours keeps what it can compute again (the parsed catalogues)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "parcours"


def _keep(path: Path, flat: dict[str, str]) -> None:
    """Write `flat` to `path` whole or not at all (a rename); a failure only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
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
