"""At 80 columns a listing keeps its ids whole for copying and folds its other columns:
a trial saw `jobdating list` cut a short reference over two lines, `staff list` its key
ids, the report's sessions their names. A terminal too narrow for every id beside the
other columns prints a block a row, headings down the left."""

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


def test_a_terminal_too_narrow_for_every_id_prints_a_block_a_row(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = shown_at(40, capsys, monkeypatch)
    lines = shown.splitlines()
    assert lines[0] == "Job-datings"
    for ref, event, _ in ROWS:  # every id whole, beside its heading
        assert any(line.split() == ["Ref", ref] for line in lines)
        assert any(line.split() == ["Event", event] for line in lines)
    assert "┃" not in shown  # no table: its columns would have folded the event ids


ALERTS = ["Ref", "Alert", "Rule", "Subject", "Due", "Status", "Audience", "Raised"]
ALERT = [
    "50331e77",
    "notification_failed:pathway-50331e77253dbcfc:4:referrer:CCAS",
    "notification failed",
    "referrer",
    "2026-12-05 10:57",
    "open",
    "coordinator",
    "2026-12-05 10:57",
]


def test_eight_columns_at_eighty_keep_the_alert_id_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial read `alerts` at 80 columns with its alert ids folded over three lines."""
    monkeypatch.setenv("COLUMNS", "80")
    fresh_consoles()
    table("Alerts", ALERTS, [ALERT])
    shown = capsys.readouterr().out
    assert all(len(line) <= 80 for line in shown.splitlines())
    assert ALERT[1] in shown
    monkeypatch.setenv("COLUMNS", "250")  # room for the table: a table it stays
    fresh_consoles()
    table("Alerts", ALERTS, [ALERT])
    assert "┃ Ref" in capsys.readouterr().out


STAFF = ["Staff id", "Role", "Key id", "Issued", "Revoked"]
CREDENTIALS = [
    ["coordinator-b851", "coordinator", "key-1fba52cff645efd6", "2026-12-05 10:03", "—"],
    ["aud-1", "auditor", "key-2fba52cff645efd6", "2026-12-05 10:03", "2026-12-05 11:03"],
]


def test_a_table_wider_than_the_terminal_prints_a_block_a_row(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial read `staff list` 85 columns wide in an 80-column terminal, which cut off
    its last column: rich draws a table wider than the terminal when its columns cannot
    shrink, and crops it."""
    monkeypatch.setenv("COLUMNS", "80")
    fresh_consoles()
    table("Staff credentials (2)", STAFF, CREDENTIALS)
    shown = capsys.readouterr().out
    assert all(len(line) <= 80 for line in shown.splitlines())
    for row in CREDENTIALS:
        for heading, value in zip(STAFF, row, strict=True):
            assert any(
                line.split() == [*heading.split(), *value.split()] for line in shown.splitlines()
            )
    monkeypatch.setenv("COLUMNS", "120")
    fresh_consoles()
    table("Staff credentials (2)", STAFF, CREDENTIALS)
    assert "┃ Staff id" in capsys.readouterr().out
