"""Who may send a command: the role sets of the command table's `roles` column."""

from __future__ import annotations

from parcours.domain.vocabulary import Role

WORKERS = frozenset({Role.STAFF, Role.COORDINATOR})
"""Who works with participants: every staff command is theirs unless its row says more."""
WITH_PARTNERS = WORKERS | {Role.PARTNER}
"""Partners may also refer, record a contact and start or end a mission."""
COORDINATORS = frozenset({Role.COORDINATOR})
SYSTEM_ONLY = frozenset({Role.SYSTEM})
NOBODY: frozenset[Role] = frozenset()
