"""A pathway pins the programme version it started with: when `<name>.v2.toml` joins the
catalogue with a different rule, new pathways get v2 while a pathway started under v1 -
and the same pathway rebuilt from its state, as after continue-as-new or when the read
model is rebuilt - keeps v1's timers and blocking barriers.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import AlertRule, BarrierKind, Stage
from parcours.programmes import CATALOGUE_DIR, UnknownProgramme, catalogue, get_programme
from tests.domain.helpers import ATP, DAY, HOUR, drive_to, new_pathway
from tests.support import T0, meta

NAME = "atp-cergy"
V1_TEXT = (CATALOGUE_DIR / f"{NAME}.v1.toml").read_text(encoding="utf-8")


def v2_text() -> str:
    """v1 with a shorter intake deadline and housing no longer blocking the contract."""
    text = V1_TEXT
    for old, new in [
        ("version = 1\n", "version = 2\n"),
        ("intake_within_days = 15\n", "intake_within_days = 5\n"),
        (
            'blocking_barriers = ["housing", "health", "childcare"]',
            'blocking_barriers = ["health", "childcare"]',
        ),
    ]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text


@pytest.fixture
def before(tmp_path: Path) -> Path:
    """The catalogue while v1 is the only version."""
    folder = tmp_path / "before"
    folder.mkdir()
    (folder / f"{NAME}.v1.toml").write_text(V1_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def after(tmp_path: Path) -> Path:
    """The catalogue once v2 has been added next to v1."""
    folder = tmp_path / "after"
    folder.mkdir()
    (folder / f"{NAME}.v1.toml").write_text(V1_TEXT, encoding="utf-8")
    (folder / f"{NAME}.v2.toml").write_text(v2_text(), encoding="utf-8")
    return folder


@pytest.fixture
def v1(after: Path) -> ProgrammeDefinition:
    return get_programme(NAME, 1, folder=after)


@pytest.fixture
def v2(after: Path) -> ProgrammeDefinition:
    return get_programme(NAME, 2, folder=after)


def test_the_latest_version_by_default_and_any_version_on_request(after: Path) -> None:
    assert sorted(catalogue(after)[NAME]) == [1, 2]
    latest = get_programme(NAME, folder=after)
    assert (latest.version, latest.key) == (2, f"{NAME}@2")
    assert get_programme(NAME, 2, folder=after) is latest
    first = get_programme(NAME, 1, folder=after)
    assert (first.version, first.key) == (1, f"{NAME}@1")
    assert first == ATP
    with pytest.raises(UnknownProgramme, match=r"^programme 'atp-cergy' has no version 3; "):
        get_programme(NAME, 3, folder=after)


def test_the_versions_differ_only_in_the_edited_rules(
    v1: ProgrammeDefinition, v2: ProgrammeDefinition
) -> None:
    assert (v1.timers.intake_within_days, v2.timers.intake_within_days) == (15, 5)
    assert BarrierKind.HOUSING in v1.blocking_barriers
    assert BarrierKind.HOUSING not in v2.blocking_barriers
    changed = v2.model_copy(
        update={
            "version": 1,
            "timers": v1.timers,
            "blocking_barriers": v1.blocking_barriers,
        }
    )
    assert changed == v1


def test_the_state_records_the_version_a_pathway_started_with(
    v1: ProgrammeDefinition, v2: ProgrammeDefinition
) -> None:
    for programme in (v1, v2):
        state = new_pathway(programme).state
        assert (state.programme, state.programme_version) == (NAME, programme.version)
    moved, _ = drive_to(v1, Stage.COACHING)
    assert moved.state.programme_version == 1


def test_a_v1_pathway_keeps_v1_timers_once_v2_exists(
    v1: ProgrammeDefinition, v2: ProgrammeDefinition
) -> None:
    old, new = new_pathway(v1), new_pathway(v2)
    assert old.next_alert_at(T0) == T0 + timedelta(days=15)
    assert new.next_alert_at(T0) == T0 + timedelta(days=5)
    six_days_on = T0 + 6 * DAY
    assert old.raise_due_alerts(six_days_on) == []
    raised = new.raise_due_alerts(six_days_on)
    assert [e.details["rule"] for e in raised] == [AlertRule.INTAKE_OVERDUE.value]


def test_a_v1_pathway_keeps_v1_blocking_barriers_once_v2_exists(
    v1: ProgrammeDefinition, v2: ProgrammeDefinition
) -> None:
    for programme in (v1, v2):
        pathway, now = drive_to(programme, Stage.BARRIER_WORK)
        pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), meta(), now)
        sign = c.SignContract(now + HOUR)
        if programme.version == 1:
            with pytest.raises(MoveRefused) as refused:
                pathway.check(sign, meta())
            assert refused.value.rule == "blocking_barriers_cleared"
            assert pathway.state.stage is Stage.BARRIER_WORK
        else:
            pathway.execute(sign, meta(), now + HOUR)
            assert pathway.state.stage is Stage.CONTRACTED


def test_a_pathway_rebuilt_from_its_state_after_v2_arrived_keeps_v1(
    before: Path, after: Path
) -> None:
    """Started when v1 was the latest; rebuilt (continue-as-new, read-model rebuild) from
    its state with the catalogue that now holds v2: the state's version picks v1."""
    started = get_programme(NAME, folder=before)
    assert started.version == 1
    pathway, now = drive_to(started, Stage.BARRIER_WORK)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), meta(), now)

    assert get_programme(NAME, folder=after).version == 2
    state = copy.deepcopy(pathway.state)
    rebuilt = Pathway(get_programme(state.programme, state.programme_version, folder=after), state)
    assert rebuilt.programme == started
    assert rebuilt.programme.timers.intake_within_days == 15
    with pytest.raises(MoveRefused) as refused:
        rebuilt.check(c.SignContract(now + HOUR), meta())
    assert refused.value.rule == "blocking_barriers_cleared"
    assert rebuilt.state.programme_version == 1
