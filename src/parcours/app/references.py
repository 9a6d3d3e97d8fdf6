"""How a pathway is named: its id (`pathway-` and 16 hex digits, random, never derived
from the person) and the short references staff type (at least 4 of those digits).

Kept apart from the pathway client so that what reads only the read model (the read log,
the codec server) names pathways without importing the Temporal client.
"""

from __future__ import annotations

import re
import secrets

SHORTEST_REFERENCE = 4
SHORT_REFERENCE = re.compile(rf"(?:pathway-)?(?P<prefix>[0-9a-f]{{{SHORTEST_REFERENCE},16}})")


def new_pathway_id() -> str:
    """Opaque and random: never derived from who the person is."""
    return f"pathway-{secrets.token_hex(8)}"


class AmbiguousReference(LookupError):
    """A short reference that more than one pathway id starts with."""

    def __init__(self, reference: str, candidates: list[str]) -> None:
        super().__init__(reference)
        self.reference, self.candidates = reference, candidates


class ReferenceTooShort(ValueError):
    """A reference shorter than `minimum` characters: too short to name one pathway, so a
    mistake in the command rather than a pathway that does not exist."""

    def __init__(self, reference: str, minimum: int) -> None:
        super().__init__(reference)
        self.reference, self.minimum = reference, minimum
