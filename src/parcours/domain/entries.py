"""When a person entered their pathway: referred, then perhaps re-entered after a drop-out.

A re-entry restarts the intake's clock, so the state's `referred_at` becomes the re-entry's
date (the bounds of later entries and the session's figures read it). What staff see
keeps both: the first referral, and the last re-entry with the sessions left before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parcours.domain.command_log import command_of
from parcours.domain.commands import Refer
from parcours.domain.commands.corrections import as_it_stands
from parcours.domain.commands.intake import IntakeTrigger
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
    """The first referral and the last re-entry (restated or not, since the state's date is
    the re-entry's; a voided one is no re-entry)."""
    if not state.sessions:  # never re-entered: the referral is the state's own
        return Entries(state.referred_at)
    return Entries(
        referred_at=first_referral_at(state),
        reentered_at=state.referred_at,  # the last re-entry's date, restated or not
        earlier_sessions=tuple(state.sessions),
    )


def first_referral_at(state: PathwayState) -> datetime:
    """When the person was first referred, as the referral's command gave it (a referral
    is never restated; in runs from before events were dated when they happened, the
    `referred` event is dated when it was recorded, not when the referral happened)."""
    referral = referral_command(state)
    if referral is not None:
        return referral.referred_at
    events = as_it_stands(state.timeline)
    return min(
        (e.at for e in events if e.kind == IntakeTrigger.REFER.event), default=state.referred_at
    )


def referral_command(state: PathwayState) -> Refer | None:
    """The referral as it was sent, when the pathway keeps its commands (since corrections
    exist)."""
    first = next((entry for entry in state.applied if entry.seq == 1), None)
    referral = command_of(first) if first is not None else None
    return referral if isinstance(referral, Refer) else None
