"""At 80 columns a listing keeps its ids whole for copying and folds its other columns:
a trial saw `jobdating list` cut a short reference over two lines, `staff list` its key
ids, the report's sessions their names."""

from __future__ import annotations

import pytest

from parcours.cli.render import fresh_consoles, table

ROWS = [
    [
        "d7ff6b11",
        "jobdating-d7ff6b11a9c04e21",
        "Maison de l'emploi de Cergy, salle 2, rez-de-chaussée",
    ],
    ["0a1b2c3d", "jobdating-0a1b2c3d4e5f6a7b", "Agence A2I, 12 rue de Pontoise, 95000 Cergy"],
]


def shown_at(width: int, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch) -> str:
    """The job-datings' table as a terminal `width` columns wide prints it."""
    mp.setenv("COLUMNS", str(width))
    fresh_consoles()
    table("Job-datings", ["Ref", "Event", "Place"], ROWS)
    shown = capsys.readouterr().out
    assert all(len(line) <= width for line in shown.splitlines())
    return shown


def test_one_word_columns_stay_whole_and_the_others_fold(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = shown_at(80, capsys, monkeypatch)
    for ref, event, _ in ROWS:
        assert ref in shown  # on one line each
        assert event in shown
    assert ROWS[0][2] not in shown  # the place folded over two lines


def test_a_terminal_too_narrow_for_every_id_folds_the_widest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = shown_at(40, capsys, monkeypatch)
    assert "d7ff6b11" in shown  # the narrow one still whole
    assert "jobdating-d7ff6b11a9c04e21" not in shown  # no room: folded
