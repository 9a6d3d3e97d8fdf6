"""The pictures draw every move of the table the machine runs, loops included."""

from __future__ import annotations

import pytest

from parcours.domain.diagram import dot, mermaid
from parcours.domain.machine import table_of
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import Stage
from tests.domain.helpers import PROGRAMME_IDS, PROGRAMMES


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_every_move_of_the_table_is_an_edge(programme: ProgrammeDefinition) -> None:
    drawn_mermaid, drawn_dot = mermaid(programme), dot(programme)
    moves = [row for row in table_of(programme) if row.dest is not None]
    assert moves
    for row in moves:
        assert row.dest is not None
        mermaid_edge = f"    {row.source.value} --> {row.dest.value}: "
        line = next(line for line in drawn_mermaid.splitlines() if line.startswith(mermaid_edge))
        assert row.trigger in line
        assert all(guard in line for guard in row.guards)
        assert f"    {row.source.value} -> {row.dest.value} [label=" in drawn_dot


def test_a_second_jobdating_while_waiting_is_drawn_as_a_loop() -> None:
    atp = next(p for p in PROGRAMMES if p.name == "atp-cergy")
    waiting = Stage.AWAITING_MISSION.value
    loop = next(
        line
        for line in mermaid(atp).splitlines()
        if line.startswith(f"    {waiting} --> {waiting}: ")
    )
    assert "jobdating_hired" in loop
    assert "jobdating_no_match" in loop
