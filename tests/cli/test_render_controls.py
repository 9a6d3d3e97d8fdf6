"""What the CLI prints never plays a control a record holds: a reason typed before
invisible controls were refused may hold an ESC sequence."""

from __future__ import annotations

import pytest

from parcours.cli import render
from parcours.domain.controls import without_controls

FORGED = "health\x1b[2J\x1b[HAll clear\x07 \u202eyaw"


def test_controls_are_shown_as_replacement_characters_and_text_is_kept() -> None:
    assert without_controls(FORGED) == "health\ufffd[2J\ufffd[HAll clear\ufffd \ufffdyaw"
    assert without_controls("1 rue Haute\n95000 Cergy\tB") == "1 rue Haute\n95000 Cergy\tB"


def test_a_table_and_a_line_print_no_control(capsys: pytest.CaptureFixture[str]) -> None:
    render.fresh_consoles()
    render.table("Timeline", ["seq", "reason"], [["2", FORGED]])
    render.console.print(FORGED)
    render.pairs("Pathway", [("Reason", FORGED)])
    printed = capsys.readouterr().out
    assert "All clear" in printed
    for control in ("\x1b", "\x07", "\u202e"):
        assert control not in printed
    assert printed.count("\ufffd") == 3 * 4
