"""How a pathway is named: its id (`pathway-` and 16 hex digits, random, never derived
from the person) and the short references staff type (at least 4 of those digits).

Kept apart from the pathway client so that what reads only the read model (the read log,
the codec server) names pathways without importing the Temporal client.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

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


def typed_prefix(reference: str) -> str | None:
    """What the ids a typed reference names start with (`pathway-` and its hex digits),
    None for a reference that names no pathway; one shorter than `SHORTEST_REFERENCE`
    digits is `ReferenceTooShort`."""
    reference = reference.strip().lower()
    match = SHORT_REFERENCE.fullmatch(reference)
    if match is None and len(reference.removeprefix("pathway-")) < SHORTEST_REFERENCE:
        raise ReferenceTooShort(reference, SHORTEST_REFERENCE)
    return None if match is None else f"pathway-{match.group('prefix')}"


def among(reference: str, pathway_ids: Iterable[str]) -> str | None:
    """The one of `pathway_ids` a typed reference names (its id or a short prefix of it),
    None when it names none of them; `AmbiguousReference` when it names several."""
    prefix = typed_prefix(reference)
    found = sorted(p for p in pathway_ids if prefix is not None and p.startswith(prefix))
    if len(found) > 1:
        raise AmbiguousReference(reference.strip().lower(), found)
    return found[0] if found else None
