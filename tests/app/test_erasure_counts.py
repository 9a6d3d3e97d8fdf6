"""What `erase` counts as kept in clear: reasons typed as they are, not sealed ones, from a
finished run's timeline or, for a run that never ended, from what its start carried."""

from __future__ import annotations

from collections.abc import Sequence

from parcours.app.erasure import in_clear_count, start_reasons
from parcours.app.started import Started

SEALED = "sealed:pk-0123456789abcdef:QUJD"


def _start(referral_reason: str, timeline: Sequence[object] | None = None) -> Started:
    state: dict[str, object] = {"timeline": timeline} if timeline is not None else {}
    return Started("p-1", None, None, None, {}, state, referral_reason)


def test_only_reasons_typed_as_they_are_count() -> None:
    assert in_clear_count(["lost his flat", SEALED, "", "  ", f"two: {SEALED}"]) == 1


def test_a_first_run_carries_the_referral_reason() -> None:
    assert list(start_reasons(_start("asked for help"))) == ["asked for help"]
    assert in_clear_count(start_reasons(_start(SEALED))) == 0


def test_a_continued_run_carries_its_timeline_which_holds_the_referral() -> None:
    timeline = [{"reason": "asked for help"}, {"reason": SEALED}, {"kind": "no reason"}, "odd"]
    reasons = list(start_reasons(_start("asked for help", timeline)))
    assert reasons == ["asked for help", SEALED]  # the referral's once, from the timeline
    assert in_clear_count(reasons) == 1
