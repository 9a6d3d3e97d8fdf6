"""The `parcours` commands, one module per group; this table says which module has which.

Each module holds a `commands` Typer whose commands and groups are named as in the
table, with their help as catalogue keys (`help.<name>`). The order is the order of
`parcours --help`: commands first, then groups, as Typer lists them. Nothing is
imported here, so listing the commands stays fast.
"""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str], ...] = (
    ("refer", "pathways"),
    ("show", "pathways"),
    ("timeline", "pathways"),
    ("list", "pathways"),
    ("next", "pathways"),
    ("contact", "intake"),
    ("suspend", "lifecycle"),
    ("resume", "lifecycle"),
    ("dropout", "lifecycle"),
    ("reenter", "lifecycle"),
    ("exit", "lifecycle"),
    ("correct", "corrections"),
    ("erase", "erasure"),
    ("find", "find"),
    ("report", "report"),
    ("extract", "report"),
    ("import", "importing"),
    ("serve", "service"),
    ("worker", "service"),
    ("codec-server", "codec"),
    ("codec-pass", "codec"),
    ("programme", "programme"),
    ("intake", "intake"),
    ("referent", "intake"),
    ("french", "intake"),
    ("barrier", "barriers"),
    ("contract", "contract"),
    ("coaching", "coaching"),
    ("jobdating", "jobdating"),
    ("session", "session"),
    ("training", "training"),
    ("mission", "missions"),
    ("appointment", "appointments"),
    ("consent", "consent"),
    ("alerts", "alerts"),
    ("audit", "audit"),
    ("partners", "partners"),
    ("staff", "staff"),
    ("retention", "retention"),
    ("notifications", "notifications"),
    ("readmodel", "readmodel"),
    ("doctor", "doctor"),
    ("demo", "demo"),
    ("keys", "service"),
)
"""(command or group name, module under `parcours.cli.commands`)."""
