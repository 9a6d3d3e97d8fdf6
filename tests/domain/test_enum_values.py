"""Every StrEnum value is a wire format: renaming a member never changes what is stored.

`enum_values.json` was written from the code before the enums said `auto()` for values that
restate their member's name; the code must keep giving every pinned member the same value.
"""

from __future__ import annotations

from tests.domain.enum_snapshot import enum_values, pinned


def test_no_pinned_value_is_changed_or_gone() -> None:
    """The serious one: histories, the read model and partners hold these values."""
    current = enum_values()
    changed = {
        f"{enum}.{member}": (value, current.get(enum, {}).get(member))
        for enum, members in pinned().items()
        for member, value in members.items()
        if current.get(enum, {}).get(member) != value
    }
    assert changed == {}, "pinned value -> now (None: member or enum gone)"


def test_every_value_is_pinned() -> None:
    """A new member or enum is added to the snapshot (`python -m tests.domain.enum_snapshot`)
    in the commit that adds it, so its value is held from then on."""
    snapshot = pinned()
    unpinned = {
        f"{enum}.{member}": value
        for enum, members in enum_values().items()
        for member, value in members.items()
        if member not in snapshot.get(enum, {})
    }
    assert unpinned == {}
