"""Secondary suppression: no small count of a report can be worked out by subtraction from
the counts it shows (`domain/disclosure.py`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.domain.disclosure import (
    WHOLE,
    WITHHELD,
    Mask,
    Place,
    groups_of,
    report_counts,
    withheld_in_report,
)
from parcours.domain.report import Figures, Step, combined

PARTNERS = ("CCAS",)
STAGES = ("intake", "coaching", "training", "employment")


def figures(stages: dict[str, int], referrers: dict[str, int] | None = None) -> Figures:
    pathways = sum(stages.values())
    return Figures(
        pathways=pathways,
        funnel={Step.REFERRED: pathways},
        stages_now={k: n for k, n in stages.items() if n},
        referrals_by_referrer=referrers if referrers is not None else {"CCAS": pathways},
    )


def test_a_lone_small_count_is_not_left_to_subtraction() -> None:
    """Six pathways, five at coaching: the one at intake was hidden, and 6 - 5 gave it."""
    six = figures({"coaching": 5, "intake": 1})
    withheld = withheld_in_report({"2026-09": six}, six, PARTNERS, 5)
    assert (WHOLE, "stages_now", "coaching") in withheld
    assert ("2026-09", "stages_now", "coaching") in withheld
    assert (WHOLE, "pathways", "") not in withheld  # two hidden now: 6 tells only their sum
    shown = Mask(5, withheld=withheld).counts(six.stages_now, "stages_now")
    assert shown == {"coaching": WITHHELD, "intake": "<5"}


def test_two_hidden_ones_are_not_read_from_their_sum() -> None:
    """12 pathways, 10 at coaching and two hidden stages: their sum, 2, says both are 1."""
    twelve = figures({"coaching": 10, "intake": 1, "training": 1})
    withheld = withheld_in_report({"s": twelve}, twelve, PARTNERS, 5)
    assert (WHOLE, "stages_now", "coaching") in withheld


def test_a_small_session_is_not_the_whole_minus_the_others() -> None:
    """Sessions of 9 and 3: the whole's 12 gave the small one back; the 9 is withheld, in
    every place the report shows it (the funnel's first step is the same count)."""
    big, small = figures({"coaching": 9}), figures({"coaching": 3})
    withheld = withheld_in_report({"a": big, "b": small}, combined([big, small]), PARTNERS, 5)
    for figure, key in (("pathways", ""), ("funnel", "referred"), ("stages_now", "coaching")):
        assert ("a", figure, key) in withheld
    assert (WHOLE, "pathways", "") not in withheld


def test_nothing_is_withheld_where_no_count_is_small() -> None:
    plenty = figures({"coaching": 8, "intake": 6})
    assert withheld_in_report({"s": plenty}, plenty, PARTNERS, 5) == frozenset()


def test_a_rate_from_a_withheld_count_is_hidden_too() -> None:
    mask = Mask(5, withheld=frozenset({(WHOLE, "exits", "exits")}))
    cells = mask.counts({"exits": 12, "positive": 7}, "exits")
    assert cells == {"exits": WITHHELD, "positive": 7}
    assert mask.derived(7 / 12, *cells.values()) == "<5"  # 7 / rate would give 12 back


SESSION = st.fixed_dictionaries({s: st.integers(0, 12) for s in STAGES}).filter(
    lambda stages: sum(stages.values()) > 0
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(SESSION, min_size=1, max_size=4),
    st.lists(st.sampled_from(["CCAS", "SPIP", "CHRS"]), min_size=1, max_size=40),
    st.integers(2, 11),
)
def test_no_group_whose_total_is_shown_gives_a_hidden_count_back(
    sessions: list[dict[str, int]], referrers: list[str], threshold: int
) -> None:
    """Whatever the counts: every group whose total is shown hides none of its counts, or
    at least two, adding up to at least the threshold; the attacker's subtraction then
    gives back only a sum that is not small."""
    by_session: dict[str, Figures] = {}
    for number, stages in enumerate(sessions):
        pathways = sum(stages.values())
        spread = {r: referrers[:pathways].count(r) for r in set(referrers[:pathways])}
        spread["CCAS"] = spread.get("CCAS", 0) + pathways - sum(spread.values())
        by_session[f"s{number}"] = figures(stages, {k: n for k, n in spread.items() if n})
    whole = combined(by_session.values())
    counts = report_counts(by_session, whole, PARTNERS)
    values: dict[Place, int] = {(s, f, k): n for s, c in counts.items() for (f, k), n in c.items()}
    withheld = withheld_in_report(by_session, whole, PARTNERS, threshold)
    hidden = withheld | {p for p, n in values.items() if 0 < n < threshold}
    assert all(values[p] >= threshold for p in withheld)  # "x" never stands for a small count
    for group in groups_of(counts, PARTNERS):
        if any(place in hidden for place in group.total):
            continue
        inside = [values.get(m, 0) for m in group.members if m in hidden]
        assert len(inside) != 1, group
        assert not inside or sum(inside) >= threshold, group
