"""Which counts a report withholds besides its small ones, so that none of them can be
worked out by subtraction.

A small count (from 1 to one below the programme's threshold) is hidden. That alone
does not protect it when the report also shows what it adds up to: six pathways in all,
five of them at one stage, and the one hidden stage holds one person. Statistical
offices call the cure *secondary suppression*; the rule here is theirs in its usual form:

- a group of counts whose total the report shows never has exactly one hidden count:
  the smallest count still shown is withheld beside it. The groups: the stages now and
  the pathways; the referrers and every referral, the partners' and the others'; the
  months of a year and that year; the years and the funnel's intakes; the drop-outs by
  stage and the funnel's drop-outs; the positive exits and the others (never shown, but
  the exits less the positive ones) and the exits; the stage "exited" now and the people
  erased or anonymised since their exit (never shown, but the exits less that stage) and
  the exits; each session's count and the same count over every session;
- nor hidden counts that add up to a small count themselves (two hidden ones of 1 each
  would be read from their sum, 2);
- and a count the report shows twice (the pathways, the first step of the funnel and
  every referral; the exits and the funnel's exited) is withheld in both places or in
  neither.

This is the rule, not an optimal suppression (which solves a linear programme over every
table at once): withheld counts are chosen greedily, smallest first, until no group breaks
the rule. A withheld count is at least the threshold, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from parcours.domain.report import Figures, Step, partner_share, yearly_intake
from parcours.domain.vocabulary import Stage

Place = tuple[str | None, str, str]
"""Where a count stands in a report: its scope (a session's name, or `WHOLE`), its figure
and its key ("" for a figure with one count)."""

WHOLE = None
"""The scope of the figures of every pathway selected."""

WITHHELD = "x"
"""What a withheld count shows in the report's document (JSON, CSV): not `<N`, which would
say it is small; a withheld count is at least the threshold."""

Cell = int | float | str | None
"""A figure as shown: a number, `None` where there is none yet, `<N` where hidden,
`WITHHELD` where withheld."""


@dataclass(frozen=True)
class Mask:
    """Hides counts from 1 to `threshold - 1` and the counts `withheld` beside them, unless
    `off`; counts are named by their place in the scope `scope`."""

    threshold: int
    off: bool = False
    withheld: frozenset[Place] = frozenset()
    scope: str | None = WHOLE

    @property
    def hidden(self) -> str:
        return f"<{self.threshold}"

    def within(self, scope: str | None) -> Mask:
        return replace(self, scope=scope)

    def count(self, value: int, figure: str = "", key: str = "") -> int | str:
        if self.off:
            return value
        if 0 < value < self.threshold:
            return self.hidden
        return WITHHELD if (self.scope, figure, key) in self.withheld else value

    def counts(self, values: Mapping[str, int], figure: str = "") -> dict[str, int | str]:
        return {key: self.count(n, figure, key) for key, n in values.items()}

    def derived(self, value: float | None, *cells: Cell) -> Cell:
        """A figure worked out from counts shown as `cells`: hidden when any of them is
        (a rate beside its shown numerator would give back its withheld denominator)."""
        if any(isinstance(c, str) for c in cells):
            return self.hidden
        return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Group:
    """Counts whose sum the report shows: `members` add up to `total` (one place, or the
    difference of two: the referrals of the programme's non-partners)."""

    members: tuple[Place, ...]
    total: tuple[Place, ...]


def withheld_in_report(
    sessions: Mapping[str, Figures],
    whole: Figures,
    partner_referrers: Sequence[str],
    threshold: int,
) -> frozenset[Place]:
    """The counts a report of `sessions` (and of them all, `whole`) withholds."""
    counts = report_counts(sessions, whole, partner_referrers)
    values = {(scope, f, k): n for scope, cells in counts.items() for (f, k), n in cells.items()}
    return frozenset(withheld(values, groups_of(counts, partner_referrers), threshold))


Counts = dict[str | None, dict[tuple[str, str], int]]
"""Every count of a report, by scope, then by figure and key."""


def report_counts(
    sessions: Mapping[str, Figures], whole: Figures, partner_referrers: Sequence[str]
) -> Counts:
    counts: Counts = {WHOLE: counts_of(whole, partner_referrers)}
    counts |= {name: counts_of(figures, partner_referrers) for name, figures in sessions.items()}
    return counts


def counts_of(figures: Figures, partner_referrers: Iterable[str]) -> dict[tuple[str, str], int]:
    """Every count a report shows of one group of pathways, by figure and key."""
    partner, total = partner_share(figures.referrals_by_referrer, partner_referrers)
    found: dict[tuple[str, str], int] = {
        ("pathways", ""): figures.pathways,
        ("exits", "exits"): figures.exits,
        ("exits", "positive"): figures.positive_exits,
        ("days_to_first_mission", "pathways"): len(figures.days_to_first_mission),
        ("partner_referrals", "partner"): partner,
        ("partner_referrals", "total"): total,
        NOT_POSITIVE: figures.exits - figures.positive_exits,
        GONE_SINCE_EXIT: figures.exits - figures.stages_now.get(Stage.EXITED.value, 0),
    }
    found |= {("funnel", step.value): figures.funnel.get(step, 0) for step in Step}
    found |= {("intake_by_year", y): n for y, n in yearly_intake(figures.intake_by_month).items()}
    for name in BREAKDOWNS:
        found |= {(name, key): n for key, n in getattr(figures, name).items()}
    return found


NOT_POSITIVE = ("exits", "not_positive")
"""The exits that were not positive: never shown, but read from two counts that are (the
exits less the positive ones), so a small one is hidden as any small count is."""

GONE_SINCE_EXIT = ("exits", "gone_since_exit")
"""The people who exited and have since been erased or anonymised, who no longer stand
under "exited" now (`closure.stage_now`): never shown, but read from two counts that are
(the exits less the stage "exited" now), so a small one is hidden as any small count is."""

UNSHOWN = frozenset({NOT_POSITIVE, GONE_SINCE_EXIT})
"""Counts the report does not show, only implies: never withheld in another's place
(withholding them would hide nothing)."""

BREAKDOWNS = (
    "stages_now",
    "intake_by_month",
    "dropouts_by_stage",
    "jobdating_outcomes",
    "referrals_by_referrer",
    "trainings_by_provider",
    "missions_by_agency",
)


def groups_of(counts: Counts, partner_referrers: Iterable[str]) -> list[Group]:
    """The groups of every scope, and each count's group across the sessions."""
    partners = set(partner_referrers)
    found = [g for scope, cells in counts.items() for g in _within(scope, cells, partners)]
    sessions = [scope for scope in counts if scope is not WHOLE]
    for figure, key in counts.get(WHOLE, {}):
        total = (WHOLE, figure, key)
        found.append(Group(tuple((s, figure, key) for s in sessions), (total,)))
    return found


def _within(scope: str | None, cells: Iterable[tuple[str, str]], partners: set[str]) -> list[Group]:
    """The groups of one scope's counts."""
    cells = list(cells)

    def at(figure: str, key: str = "") -> Place:
        return (scope, figure, key)

    def members(figure: str, keep: Callable[[str], bool] = lambda _: True) -> tuple[Place, ...]:
        return tuple(at(f, k) for f, k in cells if f == figure and keep(k))

    total, partner = at("partner_referrals", "total"), at("partner_referrals", "partner")
    found = [
        Group(members("stages_now"), (at("pathways"),)),
        Group(members("referrals_by_referrer"), (total,)),
        Group(members("referrals_by_referrer", partners.__contains__), (partner,)),
        Group(members("referrals_by_referrer", lambda k: k not in partners), (total, partner)),
        Group(members("dropouts_by_stage"), (at("funnel", Step.DROPPED_OUT.value),)),
        Group(members("intake_by_year"), (at("funnel", Step.INTAKE.value),)),
        Group((at("exits", "positive"), at(*NOT_POSITIVE)), (at("exits", "exits"),)),
        Group(
            (at("stages_now", Stage.EXITED.value), at(*GONE_SINCE_EXIT)), (at("exits", "exits"),)
        ),
    ]
    for year in (k for f, k in cells if f == "intake_by_year"):
        found.append(
            Group(members("intake_by_month", _in_year(year)), (at("intake_by_year", year),))
        )
    for one, other in SHOWN_TWICE:
        found += [Group((at(*one),), (at(*other),)), Group((at(*other),), (at(*one),))]
    return found


def _in_year(year: str) -> Callable[[str], bool]:
    return lambda month: month[:4] == year


SHOWN_TWICE = (
    (("pathways", ""), ("funnel", Step.REFERRED.value)),
    (("pathways", ""), ("partner_referrals", "total")),
    (("exits", "exits"), ("funnel", Step.EXITED.value)),
)
"""Counts the report shows twice, under two names: withheld in both places or neither."""


def withheld(values: Mapping[Place, int], groups: Sequence[Group], threshold: int) -> set[Place]:
    """The counts to withhold besides the small ones (`values` holds every count shown),
    so that no group of `groups` whose total is shown breaks the rule (module's note)."""
    small = {place for place, n in values.items() if 0 < n < threshold}
    hidden = set(small)
    while (place := _next_to_withhold(values, groups, hidden, threshold)) is not None:
        hidden.add(place)
    return hidden - small


def _next_to_withhold(
    values: Mapping[Place, int], groups: Sequence[Group], hidden: set[Place], threshold: int
) -> Place | None:
    """A count to withhold beside a group's hidden ones; None when every group keeps the
    rule."""
    for group in groups:
        if any(place in hidden for place in group.total):
            continue  # its total is not shown: nothing can be subtracted from it
        inside = [values.get(m, 0) for m in group.members if m in hidden]
        if inside and (len(inside) == 1 or sum(inside) < threshold):
            return _smallest_shown(values, group, hidden)
    return None


def _smallest_shown(values: Mapping[Place, int], group: Group, hidden: set[Place]) -> Place:
    """The group's smallest count still shown, but not a zero (a zero hides nothing): the
    one whose loss costs the reader least. When none is left, the total itself."""
    shown = [(values.get(m, 0), m) for m in group.members if m not in hidden and not _unshown(m)]
    nonzero = [(n, m) for n, m in shown if n > 0]
    return min(nonzero)[1] if nonzero else group.total[0]


def _unshown(place: Place) -> bool:
    return place[1:] in UNSHOWN
