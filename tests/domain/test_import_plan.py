"""A person's rows become one plan, whatever way the file gives their pathway (pure).

Dated columns and event rows plan the same commands; a day's events keep the files'
order; barriers are followed up by kind; request ids are stable and name nobody.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

import pytest

from parcours.domain import commands as c
from parcours.domain.commands.intake import referral
from parcours.domain.importing import cells
from parcours.domain.importing.check import check_plan, request_id
from parcours.domain.importing.plan import PersonPlan, Row, plan_person
from parcours.domain.records import Actor
from parcours.domain.vocabulary import BarrierKind, Role
from parcours.programmes import get_programme

ZONE = ZoneInfo("Europe/Paris")
ATP = get_programme("atp-cergy")
COORDINATOR = Actor("coord-1", Role.COORDINATOR)
PERSON = {
    "key": "A-17",
    "first_name": "Amina",
    "last_name": "Diallo",
    "birth_date": "02/03/1985",
    "referrer": "CCAS",
    "referral_date": "2025-09-02",
}
CRITERIA = "precarious_worker;lives_in_territory"


def planned(person: dict[str, str], *events: dict[str, str]) -> PersonPlan:
    rows = [Row("events.csv", line, {"key": "A-17", **e}) for line, e in enumerate(events, 2)]
    plan = plan_person(Row("people.csv", 2, person), rows, ZONE, COORDINATOR.actor_id)
    assert isinstance(plan, PersonPlan), plan
    return plan


def commands(plan: PersonPlan) -> list[tuple[type[c.Command], datetime]]:
    return [(type(step.command), step.at) for step in plan.steps]


def test_dated_columns_and_event_rows_plan_the_same_commands() -> None:
    wide = planned(
        {
            **PERSON,
            "intake_date": "2025-09-09",
            "criteria": CRITERIA,
            "contract_date": "2025-09-20",
            "exit_date": "2025-10-01",
            "exit_reason": "moved_away",
            "exit_note": "left the area",
        }
    )
    long = planned(
        PERSON,
        {"event": "accueil", "date": "2025-09-09", "criteria": CRITERIA},
        {"event": "contract", "date": "2025-09-20"},
        {"event": "sortie", "date": "2025-10-01", "kind": "moved_away", "reason": "left the area"},
    )
    assert [s.command for s in wide.steps] == [s.command for s in long.steps]
    assert [s.reason for s in wide.steps] == ["", "", "left the area"]
    assert wide.identity.birth_date == "1985-03-02"
    assert check_plan(ATP, wide, COORDINATOR, datetime.now(UTC)) is None


def test_a_day_keeps_the_order_of_the_files_milestones_first_and_last() -> None:
    plan = planned(
        {
            **PERSON,
            "intake_date": "2025-09-09",
            "criteria": CRITERIA,
            "exit_date": "2025-09-09",
            "exit_reason": "moved_away",
            "exit_note": "left the area",
        },
        {"event": "barrier", "date": "2025-09-09", "kind": "housing"},
        {"event": "contact", "date": "2025-09-09T10:00"},
        {"event": "barrier_resolved", "date": "2025-09-09", "kind": "housing"},
    )
    assert [kind for kind, _ in commands(plan)] == [
        c.CompleteIntake,
        c.OpenBarrier,
        c.ResolveBarrier,
        c.Exit,
        c.RecordContact,
    ]  # the contact at 10:00 comes after everything dated at midnight


def test_follow_ups_name_the_earliest_open_barrier_of_their_kind() -> None:
    plan = planned(
        PERSON,
        {"event": "frein", "date": "2025-09-03", "kind": "housing"},
        {"event": "frein", "date": "2025-09-04", "kind": "health"},
        {"event": "frein", "date": "2025-09-05", "kind": "housing"},
        {"event": "frein_leve", "date": "2025-09-06", "kind": "housing"},
        {"event": "frein_ecarte", "date": "2025-09-07", "kind": "housing", "reason": "moved"},
    )
    closed = [
        s.command for s in plan.steps if isinstance(s.command, c.ResolveBarrier | c.WaiveBarrier)
    ]
    assert [x.barrier_id for x in closed] == ["b1", "b3"]
    assert check_plan(ATP, plan, COORDINATOR, datetime.now(UTC)) is None


def test_request_ids_are_stable_per_programme_and_key_and_name_nobody() -> None:
    first = request_id("atp-cergy", "A-17", 3)
    assert first == request_id("atp-cergy", "A-17", 3)
    assert first != request_id("nouveau-depart", "A-17", 3)
    assert re.fullmatch(r"import-[0-9a-f]{16}-3", first)
    assert "A-17" not in first


def test_a_named_session_must_exist_and_be_open_an_empty_one_is_not_checked() -> None:
    from parcours.domain.sessions import Session, SessionStatus

    start = datetime(2025, 9, 1, tzinfo=UTC)
    sessions = {
        "2025-09": Session("atp-cergy", "2025-09", start),
        "2025-08": Session("atp-cergy", "2025-08", start, status=SessionStatus.CLOSED),
    }
    now = datetime.now(UTC)
    found = {
        name: check_plan(ATP, planned({**PERSON, "session": name}), COORDINATOR, now, sessions)
        for name in ("2025-09", "2025-08", "2025-07")
    }
    assert found["2025-09"] is None
    closed, unknown = found["2025-08"], found["2025-07"]
    assert closed is not None
    assert unknown is not None
    assert (closed.column, closed.rule, closed.code) == (
        "session",
        "session_closed",
        "session_closed",
    )
    assert (unknown.rule, unknown.code) == ("unknown_reference", "session_unknown")
    assert unknown.values["open"] == "2025-09"
    # No session cell: the month of the referral, not checked (as `refer` without --session).
    assert check_plan(ATP, planned(PERSON), COORDINATOR, now, {}) is None


def test_a_default_session_is_the_month_where_staff_work_not_in_utc() -> None:
    """Referred, then back, on the first of a month just after midnight in Paris: still the
    previous month in UTC, but the month on staff's calendar (and so in the report)."""
    first = {**PERSON, "referral_date": "2025-11-01 00:30"}
    back = {"event": "reentree", "date": "2025-12-01 00:15"}
    plan = planned(first, {"event": "decrochage", "date": "2025-11-20"}, back)
    assert plan.referral.session == "2025-11"
    assert plan.referral.referred_at == datetime(2025, 10, 31, 23, 30, tzinfo=UTC)
    (reentry,) = [s.command for s in plan.steps if isinstance(s.command, c.ReEnter)]
    assert reentry.session == "2025-12"
    assert reentry.reentered_at == datetime(2025, 11, 30, 23, 15, tzinfo=UTC)


def test_a_referral_typed_without_a_session_takes_the_month_of_its_zone() -> None:
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 November in Paris
    assert referral("CCAS", late, "staff-1", zone=ZONE).session == "2026-11"
    assert referral("CCAS", late, "staff-1", zone=UTC).session == "2026-10"
    assert referral("CCAS", late, "staff-1", zone=ZONE, session="s1").session == "s1"


def test_an_assignment_of_the_referent_in_force_is_left_out_not_refused() -> None:
    """An older system logs the first assignment beside the person's referent: the row is
    imported without it (the pathway would refuse a handover that hands nothing over),
    and a real handover, then one back, are kept."""
    person = {**PERSON, "referent": "staff-ana"}
    plan = planned(
        person,
        {"event": "referent", "date": "2025-09-03", "referent": "staff-ana"},
        {"event": "referent", "date": "2025-09-04", "referent": "staff-bob"},
        {"event": "referent", "date": "2025-09-05", "referent": "staff-bob"},
        {"event": "referent", "date": "2025-09-06", "referent": "staff-ana"},
    )
    assigned = [s.command.referent for s in plan.steps if isinstance(s.command, c.AssignReferent)]
    assert assigned == ["staff-bob", "staff-ana"]
    assert check_plan(ATP, plan, COORDINATOR, datetime(2026, 1, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("12/03/2026", datetime(2026, 3, 12)),
        ("12/03/2026 14:30", datetime(2026, 3, 12, 14, 30)),
        ("12/03/2026 14h30", datetime(2026, 3, 12, 14, 30)),
        ("12/03/2026 9h", datetime(2026, 3, 12, 9, 0)),
        ("2026-03-12 9h", datetime(2026, 3, 12, 9, 0)),
        ("2026-03-12 14h30", datetime(2026, 3, 12, 14, 30)),
        ("12/03/2026T09:05", datetime(2026, 3, 12, 9, 5)),
        ("2026-03-12T14:30", datetime(2026, 3, 12, 14, 30)),
    ],
)
def test_a_cell_takes_a_date_as_the_command_line_does(written: str, read: datetime) -> None:
    from zoneinfo import ZoneInfo

    from parcours.domain.importing.cells import instant

    paris = ZoneInfo("Europe/Paris")
    assert instant("date", written, paris) == read.replace(tzinfo=paris)


def test_a_value_is_its_key_or_a_name_the_reader_s_catalogue_gives() -> None:
    """The domain knows keys only; a front end's namer adds the names people write."""

    def namer(kinds: type[StrEnum], written: str) -> str | None:
        return "housing" if kinds is BarrierKind and written == "logement" else None

    assert cells.choice("kind", "HOUSING", BarrierKind) is BarrierKind.HOUSING
    assert cells.choice("kind", "logement", BarrierKind, namer) is BarrierKind.HOUSING
    with pytest.raises(cells.CellFault) as refused:
        cells.choice("kind", "logement", BarrierKind)
    assert refused.value.values["allowed"].startswith("housing, health")
