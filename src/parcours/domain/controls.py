"""Characters a reader cannot see that change what they read: refused in typed text
(`domain/inputs.py`), and shown as "\N{REPLACEMENT CHARACTER}" by the CLI in a record
typed before they were (`cli/render.py`). A leaf module: the CLI's `--help` imports it.
"""

from __future__ import annotations

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
"""The embedding, override and isolate controls: LRE RLE PDF LRO RLO, LRI RLI FSI PDI."""

LINE_ENDS = frozenset("\t\n\r\x0b\x0c\x85")
"""Tabs and the line ends spreadsheets and word processors write (LF, CR, VT from a soft
return, FF, NEL): an address has lines, and a caseload's cells come from such files."""

TERMINAL_CONTROLS = frozenset(
    chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in LINE_ENDS
)
"""The other C0 and C1 controls and DEL: ESC starts a sequence that rewrites the terminal
of whoever reads the record later."""

INVISIBLE_CONTROLS = BIDI_CONTROLS | TERMINAL_CONTROLS


def invisible_controls(text: str) -> str:
    """The invisible controls in `text`, each once in order (`U+202E, U+001B`); "" if none."""
    return ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in text if ch in INVISIBLE_CONTROLS))


def without_controls(text: str) -> str:
    """`text` with each invisible control shown as U+FFFD, for a screen to print safely."""
    if not any(ch in INVISIBLE_CONTROLS for ch in text):
        return text
    return "".join("\N{REPLACEMENT CHARACTER}" if ch in INVISIBLE_CONTROLS else ch for ch in text)
