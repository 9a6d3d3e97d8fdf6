"""`parcours report`: a programme's figures from the read model, as one document.

Every front end (terminal, JSON, CSV, HTML) renders the same document, so the small-cell
masking is applied once, here: a count from 1 to one below the programme's threshold is
replaced by the text `<N`, and so is any figure worked out from a hidden count (a rate,
a share, a median over too few pathways). Coordinators may read the counts unmasked;
that read is logged in the read log by `log_unmasked_read` (see `app/read_log.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from parcours.app.read_log import ReadCommand, log_reads
from parcours.domain.report import (
    Figures,
    Mask,
    Selection,
    Step,
    Targets,
    combined,
    partner_share,
    steps_of,
    yearly_intake,
)
from parcours.domain.sessions import check_known_session
from parcours.programmes import get_programme

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.domain.records import Actor


def log_unmasked_read(
    store: Store, actor: Actor, selection: Selection, key_id: str | None = None
) -> None:
    """Log in the read log that `actor` (proven by the credential `key_id`, when it was)
    read a programme's small counts unmasked (the programme only: no pathway, no person).
    Raises what the database raises: the caller shows nothing then."""
    programme = selection.programme
    log_reads(store, actor, ReadCommand.REPORT_UNMASKED, programme=programme, key_id=key_id)


def in_order(counts: Mapping[str, int], order: Sequence[str]) -> dict[str, int]:
    """The counts in the programme's order of stages (any other key after them)."""
    rank = {name: index for index, name in enumerate(order)}
    return dict(sorted(counts.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def figures_document(
    figures: Figures,
    targets: Targets,
    steps: tuple[Step, ...],
    mask: Mask,
    stages: Sequence[str] = (),
) -> dict[str, Any]:
    partner, total = partner_share(figures.referrals_by_referrer, targets.partner_referrers)
    reached = len(figures.days_to_first_mission)
    return {
        "pathways": mask.count(figures.pathways),
        "funnel": {s.value: mask.count(figures.funnel.get(s, 0)) for s in steps},
        "stages_now": mask.counts(in_order(figures.stages_now, stages)),
        "intake_by_month": mask.counts(figures.intake_by_month),
        "intake_by_year": {
            year: {"count": mask.count(n), "target": targets.yearly_intake}
            for year, n in yearly_intake(figures.intake_by_month).items()
        },
        "exits": {
            "exits": mask.count(figures.exits),
            "positive": mask.count(figures.positive_exits),
            "rate": mask.derived(figures.positive_exit_rate, figures.exits, figures.positive_exits),
            "target": targets.positive_exit_rate,
            "denominator": "exits",
        },
        "dropouts_by_stage": mask.counts(in_order(figures.dropouts_by_stage, stages)),
        "jobdating_outcomes": mask.counts(figures.jobdating_outcomes),
        "days_to_first_mission": {
            "median": mask.derived(figures.median_days_to_first_mission, reached),
            "pathways": mask.count(reached),
        },
        "referrals_by_referrer": mask.counts(figures.referrals_by_referrer),
        "partner_referrals": {
            "partner": mask.count(partner),
            "total": mask.count(total),
            "share": mask.derived(partner / total if total else None, partner, total),
        },
        "trainings_by_provider": mask.counts(figures.trainings_by_provider),
        "missions_by_agency": mask.counts(figures.missions_by_agency),
    }


def _check_session(store: Store, selection: Selection) -> None:
    """The session the report is narrowed to is one the read model knows of."""
    programme, name = selection.programme, selection.session
    if name is not None:
        found = store.get_session(programme, name)
        check_known_session(found, programme, name, store.session_size(programme, name))


def report_document(
    store: Store, selection: Selection, *, unmasked: bool = False
) -> dict[str, Any]:
    """The whole report: the selection, the targets, the figures of every pathway it
    covers and of each session."""
    programme = get_programme(selection.programme)
    _check_session(store, selection)
    targets = Targets(
        programme.targets.yearly_intake,
        programme.targets.positive_exit_rate,
        tuple(programme.referrers),
    )
    mask = Mask(programme.reporting.small_cell_threshold, off=unmasked)
    sessions = store.report_figures(selection)
    steps = steps_of(programme.stages)
    stages = [s.value for s in programme.stages]

    def document(figures: Figures) -> dict[str, Any]:
        return figures_document(figures, targets, steps, mask, stages)

    return {
        "programme": programme.name,
        "version": programme.version,
        "title": {"fr": programme.title.fr, "en": programme.title.en},
        "selection": {
            "session": selection.session,
            "from": selection.since.isoformat() if selection.since else None,
            "to": selection.until.isoformat() if selection.until else None,
            "calendar": str(selection.zone),
        },
        "masking": {"threshold": mask.threshold, "masked": not unmasked, "hidden": mask.hidden},
        "targets": {
            "yearly_intake": targets.yearly_intake,
            "positive_exit_rate": targets.positive_exit_rate,
            "partner_referrers": list(targets.partner_referrers),
        },
        "steps": [s.value for s in steps],
        "total": document(combined(sessions.values())),
        "sessions": {name: document(figures) for name, figures in sessions.items()},
    }
