"""When a person entered their pathway: referred, then perhaps re-entered after a drop-out.

A re-entry restarts the intake's clock, so the state's `referred_at` becomes the re-entry's
date (the bounds of later entries and the session's figures read it). What staff see
keeps both: the first referral, and the last re-entry with the sessions left before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parcours.domain.commands.corrections import as_it_stands
from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.records import PathwayState


@dataclass(frozen=True)
class Entries:
    """When the person entered the pathway: referred first, and re-entered after a
    drop-out (the state's `referred_at` is then the re-entry's date, which restarts the
    intake's clock)."""

    referred_at: datetime
    reentered_at: datetime | None = None
    """The last re-entry, if any."""
    earlier_sessions: tuple[str, ...] = ()
    """The sessions the person left by dropping out, in order."""


def entries_of(state: PathwayState) -> Entries:
    """The referral and the last re-entry as the timeline stands corrected."""
    events = as_it_stands(state.timeline)
    referrals = [e.at for e in events if e.kind == IntakeTrigger.REFER.event]
    reentries = [e.at for e in events if e.kind == LifecycleTrigger.REENTER.event]
    return Entries(
        referred_at=min(referrals, default=state.referred_at),
        reentered_at=max(reentries, default=None) if state.sessions else None,
        earlier_sessions=tuple(state.sessions),
    )
