"""Past-tense names of what happened, one per trigger: the timeline's vocabulary.

Derived from the command table; `EventKind` holds the names themselves.
"""

from __future__ import annotations

from parcours.domain.commands import SPECS
from parcours.domain.vocabulary import EventKind

EVENT_OF_TRIGGER: dict[str, EventKind] = {
    row.trigger: row.event for row in SPECS if row.event is not None
}

EVENT_KINDS = frozenset(EVENT_OF_TRIGGER.values())
"""Every event kind a timeline may hold: the same set as `EventKind` (a test checks)."""
