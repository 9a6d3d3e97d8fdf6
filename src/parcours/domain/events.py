"""Past-tense names of what happened, one per trigger: the timeline's vocabulary.

Derived from the command table; each area module declares its own `EventKind` members.
"""

from __future__ import annotations

from parcours.domain.commands import SPECS
from parcours.domain.vocabulary import EventKind

EVENT_OF_TRIGGER: dict[str, EventKind] = {
    row.trigger: row.event for row in SPECS if row.event is not None
}

EVENT_KINDS = frozenset(EVENT_OF_TRIGGER.values())
"""Every event kind a timeline may hold: the members of every area's `EventKind`."""
