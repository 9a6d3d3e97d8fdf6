"""Every StrEnum value is a wire format: renaming a member never changes what is stored.

`enum_values.json` pins every member's value as the code gave it when the file was written;
the code must keep giving every pinned member the same value. A new member needs no edit
here (adding a staff command touches its spec row, its CLI function and its words only); run
`python -m tests.domain.enum_snapshot` now and then to pin the newer ones too.
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
