"""Pictures of a programme, drawn from the same table that builds the pathway machine.

Mermaid for the README and the terminal, Graphviz DOT for an SVG. Every stage carries the
labels the caller gives (the CLI passes French and English from its catalogues: the
domain reads no file); every edge its trigger and the guards that must hold.
"""

from __future__ import annotations

from collections.abc import Callable

from parcours.domain.machine import MoveRow, table_of
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import Stage

StageLabel = Callable[[Stage], str]
"""How a stage is named in the picture, e.g. "Orienté·e / Referred"."""


def _edges(programme: ProgrammeDefinition) -> list[tuple[Stage, Stage, str]]:
    """(source, destination, label) once per distinct edge, loops included (a second
    job-dating while waiting for a mission stays in that stage, and is still a move)."""
    merged: dict[tuple[Stage, Stage], list[str]] = {}
    for row in table_of(programme):
        dest = row.dest
        if dest is None:
            continue
        merged.setdefault((row.source, dest), []).append(_edge_label(row))
    return [(src, dst, ", ".join(dict.fromkeys(labels))) for (src, dst), labels in merged.items()]


def _edge_label(row: MoveRow) -> str:
    if not row.guards:
        return row.trigger.value
    return f"{row.trigger.value} [{' & '.join(row.guards)}]"


def mermaid(programme: ProgrammeDefinition, label: StageLabel = str) -> str:
    """A Mermaid state diagram: every stage of the programme, every move between them."""
    lines = ["stateDiagram-v2", f"    %% {programme.name} v{programme.version}"]
    for stage in programme.stages:
        lines.append(f'    state "{label(stage)}" as {stage.value}')
    lines.append(f"    [*] --> {programme.initial_stage.value}")
    for source, dest, edge in _edges(programme):
        lines.append(f"    {source.value} --> {dest.value}: {edge}")
    if Stage.EXITED in programme.stages:
        lines.append(f"    {Stage.EXITED.value} --> [*]")
    return "\n".join(lines) + "\n"


def dot(programme: ProgrammeDefinition, label: StageLabel = str) -> str:
    """The same picture in Graphviz DOT, for `dot -Tsvg`."""
    lines = [
        f'digraph "{programme.name} v{programme.version}" {{',
        "    rankdir=LR;",
        '    node [shape=box, style="rounded", fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for stage in programme.stages:
        lines.append(f'    {stage.value} [label="{label(stage)}"];')
    for source, dest, edge in _edges(programme):
        lines.append(f'    {source.value} -> {dest.value} [label="{edge}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
