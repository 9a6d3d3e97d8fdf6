"""Secondary suppression: no small count of a report can be worked out by subtraction from
the counts it shows (`domain/disclosure.py`)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.app.report import figures_document
from parcours.domain.disclosure import (
    WHOLE,
    WITHHELD,
    Mask,
    withheld_in_report,
)
from parcours.domain.report import Figures, Step, Targets, combined

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


def test_the_exits_less_those_still_exited_do_not_give_an_anonymised_one_back() -> None:
    """7 exits, 6 still "exited" now, 1 anonymised since (hidden): 7 - 6 gave it back, as
    the stage "exited" was taken for the exits shown twice (a review found it)."""
    twelve = figures({"coaching": 5, "exited": 6, "anonymised": 1})
    twelve = dataclasses.replace(twelve, exits=7)
    withheld = withheld_in_report({"s": twelve}, twelve, PARTNERS, 5)
    exits_shown = (WHOLE, "exits", "exits") not in withheld
    exited_shown = (WHOLE, "stages_now", "exited") not in withheld
    assert not (exits_shown and exited_shown), withheld


def test_nothing_is_withheld_where_no_count_is_small() -> None:
    plenty = figures({"coaching": 8, "intake": 6})
    assert withheld_in_report({"s": plenty}, plenty, PARTNERS, 5) == frozenset()


def test_a_rate_from_a_withheld_count_is_hidden_too() -> None:
    mask = Mask(5, withheld=frozenset({(WHOLE, "exits", "exits")}))
    cells = mask.counts({"exits": 12, "positive": 7}, "exits")
    assert cells == {"exits": WITHHELD, "positive": 7}
    assert mask.derived(7 / 12, *cells.values()) == "<5"  # 7 / rate would give 12 back


@dataclass(frozen=True)
class Someone:
    """A pathway as the report counts it: where it stands, who referred it, when its
    intake was, and how it ended."""

    stage: str
    referrer: str
    intake: str | None
    positive: bool = False
    gone: bool = False
    """Exited, then anonymised: counted in the exits, no longer under "exited" now."""

    @property
    def stands(self) -> str:
        return "anonymised" if self.stage == "exited" and self.gone else self.stage


PERSON = st.builds(
    Someone,
    st.sampled_from(["intake", "coaching", "exited", "dropped_out"]),
    st.sampled_from(["CCAS", "SPIP", "CHRS"]),
    st.sampled_from([None, "2025-12", "2026-01", "2026-02"]),
    st.booleans(),
    st.booleans(),
)


def figures_of(people: list[Someone]) -> Figures:
    """The report's figures of `people`, counted here rather than by the read model."""
    exited = [p for p in people if p.stage == "exited"]
    dropped = [p for p in people if p.stage == "dropped_out"]
    months = Counter(p.intake for p in people if p.intake)
    return Figures(
        pathways=len(people),
        funnel={
            Step.REFERRED: len(people),
            Step.INTAKE: sum(months.values()),
            Step.EXITED: len(exited),
            Step.DROPPED_OUT: len(dropped),
        },
        stages_now=dict(Counter(p.stands for p in people)),
        intake_by_month=dict(months),
        exits=len(exited),
        positive_exits=sum(p.positive for p in exited),
        dropouts_by_stage=dict(Counter("coaching" for _ in dropped)),
        referrals_by_referrer=dict(Counter(p.referrer for p in people)),
    )


def sums(doc: dict[str, Any]) -> list[tuple[list[Any], Any]]:
    """What a reader of one scope's figures can add up, written from the report's meaning,
    not from `disclosure.py`: each (cells, the total they make)."""
    stages, funnel, exits = doc["stages_now"], doc["funnel"], doc["exits"]
    referrers, share = doc["referrals_by_referrer"], doc["partner_referrals"]
    years = doc["intake_by_year"]
    found = [
        (list(stages.values()), doc["pathways"]),
        (list(referrers.values()), share["total"]),
        ([v for k, v in referrers.items() if k in PARTNERS], share["partner"]),
        ([y["count"] for y in years.values()], funnel["intake"]),
        (list(doc["dropouts_by_stage"].values()), funnel["dropped_out"]),
    ]
    for year, counted in years.items():
        months = [v for k, v in doc["intake_by_month"].items() if k.startswith(year)]
        found.append((months, counted["count"]))
    for one, other in (
        (doc["pathways"], funnel["referred"]),
        (doc["pathways"], share["total"]),
        (exits["exits"], funnel["exited"]),
    ):
        found += [([one], other), ([other], one)]
    return found


def hidden(cell: Any) -> bool:
    return isinstance(cell, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PERSON, min_size=1, max_size=30), min_size=1, max_size=3))
def test_a_reader_subtracting_shown_totals_gets_back_no_small_count(
    sessions: list[list[Someone]],
) -> None:
    """Reports of random people, masked: whatever a reader subtracts from a total shown,
    within a session or across them, a hidden count never comes back alone, nor their sum
    as a small count; the exits less the positive ones are not a small count either."""
    threshold = 5
    by_session = {f"s{n}": figures_of(people) for n, people in enumerate(sessions)}
    whole = combined(by_session.values())
    mask = Mask(threshold, withheld=withheld_in_report(by_session, whole, PARTNERS, threshold))
    targets = Targets(60, 0.6, PARTNERS)
    docs: dict[str | None, dict[str, Any]] = {
        None: figures_document(whole, targets, tuple(Step), mask.within(None))
    }
    for name, figures in by_session.items():
        docs[name] = figures_document(figures, targets, tuple(Step), mask.within(name))
    real: dict[str | None, Figures] = {None: whole}
    real.update(by_session)
    for scope, doc in docs.items():
        for cells, total in sums(doc):
            _no_small_comes_back(cells, total, threshold, scope)
        exits, exited_now = doc["exits"], doc["stages_now"].get("exited", 0)
        if not hidden(exits["exits"]) and not hidden(exits["positive"]):
            left = real[scope].exits - real[scope].positive_exits
            assert not 0 < left < threshold, (scope, exits)
        if not hidden(exits["exits"]) and not hidden(exited_now):  # the exits since gone
            gone = real[scope].exits - real[scope].stages_now.get("exited", 0)
            assert not 0 < gone < threshold, (scope, exits, exited_now)
    _sessions_add_up_safely(docs, threshold)


def _no_small_comes_back(cells: list[Any], total: Any, threshold: int, scope: Any) -> None:
    if hidden(total):
        return  # nothing to subtract from
    gone = [c for c in cells if hidden(c)]
    if not gone:
        return
    shown = sum(c for c in cells if not hidden(c))
    assert len(gone) != 1, (scope, cells, total)  # one alone: total less the others
    assert total - shown >= threshold, (scope, cells, total)  # their sum is not small


def _sessions_add_up_safely(docs: dict[Any, dict[str, Any]], threshold: int) -> None:
    sessions = [doc for scope, doc in docs.items() if scope is not None]
    whole = docs[None]
    for figure in ("pathways",):
        _no_small_comes_back([d[figure] for d in sessions], whole[figure], threshold, figure)
    for step in whole["funnel"]:
        cells = [d["funnel"][step] for d in sessions]
        _no_small_comes_back(cells, whole["funnel"][step], threshold, step)
    for stage in whole["stages_now"]:
        cells = [d["stages_now"].get(stage, 0) for d in sessions]
        _no_small_comes_back(cells, whole["stages_now"][stage], threshold, stage)


def test_direct_hires_are_counted_under_a_name_not_an_empty_key() -> None:
    """A trial's CSV read `missions_by_agency.,<5`: the direct hires' key was empty."""
    figures = Figures(pathways=3, missions_by_agency={"": 2, "Adecco": 1})
    doc = figures_document(figures, Targets(60, 0.6, PARTNERS), tuple(Step), Mask(0))
    assert doc["missions_by_agency"] == {"direct": 2, "Adecco": 1}
    named = Figures(pathways=2, missions_by_agency={"": 1, "direct": 1})  # an agency so named
    kept = figures_document(named, Targets(60, 0.6, PARTNERS), tuple(Step), Mask(0))
    assert kept["missions_by_agency"] == {"": 1, "direct": 1}
