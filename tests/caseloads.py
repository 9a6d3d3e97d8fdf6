"""Generated caseloads for `parcours import`: deterministic, every row one the programme accepts.

`caseload(programme, n)` gives the people rows and the event rows (by English column
name) of `n` fictitious people referred over two years, each along one of a few pathway
shapes of the programme: waiting for intake, in barrier work, trained and in a mission,
hired at the job-dating, suspended and resumed, dropped out, re-entered, exited. The
milestones go in the people file's dated columns, everything else in the events file,
so both ways are used. `write_caseload` writes them as CSV or XLSX, in either language.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from parcours.domain.importing.columns import EVENTS, PEOPLE, Column
from parcours.programmes import get_programme

Rows = list[dict[str, str]]
FIRST = ("Amina", "Joy", "Blessing", "Mariam", "Fatou", "Grace", "Ines", "Sofia", "Lina", "Awa")
LAST = ("Diallo", "Okafor", "Nguyen", "Martin", "Traoré", "Benali", "Dubois", "Mensah", "Costa")
START = date(2023, 1, 9)


def _day(start: date, days: int) -> str:
    return (start + timedelta(days=days)).isoformat()


class _Person:
    """One person's rows, built along a shape."""

    def __init__(self, programme: str, index: int, rng: random.Random) -> None:
        self.programme, self.key, self.rng = programme, f"P{index:05d}", rng
        self.t0 = START + timedelta(days=(index * 7) % 600)
        self.events: Rows = []
        prog = get_programme(programme)
        self.criteria = ";".join(c.key for c in prog.eligibility)
        self.contract = any(m.trigger == "sign_contract" for m in prog.moves)
        self.row: dict[str, str] = {
            "key": self.key,
            "first_name": FIRST[index % len(FIRST)],
            "last_name": f"{LAST[index % len(LAST)]}-{index:05d}",
            "birth_date": _day(date(1962, 3, 1), (index * 211) % 14_000),
            "referrer": prog.referrers[index % len(prog.referrers)] if prog.referrers else "CCAS",
            "referral_date": _day(self.t0, 0),
            "referral_reason": "referred by the partner association",
            "session": (self.t0).strftime("%Y-%m"),
            "phone": f"06{index:08d}",
        }

    def event(self, day: int, event: str, **cells: str) -> None:
        self.events.append({"key": self.key, "event": event, "date": _day(self.t0, day), **cells})

    def milestone(self, column: str, day: int, **cells: str) -> None:
        self.row[column] = _day(self.t0, day)
        self.row.update(cells)

    def intake(self) -> None:
        self.event(2, "consent", kind="referrer", until=_day(self.t0, 2000))
        self.milestone("intake_date", 5, criteria=self.criteria)
        self.event(6, "barrier", kind="housing", aid="yes")
        self.event(6, "french", level="A2")

    def ready(self) -> None:
        """From intake to coaching: barriers closed, contract where there is one."""
        self.intake()
        self.event(7, "barrier", kind="health")
        self.event(20, "barrier_work", kind="housing")
        self.event(30, "barrier_resolved", kind="housing")
        self.event(31, "barrier_waived", kind="health", reason="followed by the health centre")
        if self.contract:
            self.milestone("contract_date", 32)
        self.milestone("coaching_date", 35)
        self.event(
            36,
            "appointment",
            appointment_at=f"{_day(self.t0, 40)}T18:30",
            kind="coaching",
            place="mobile_office",
            late="yes",
        )
        self.event(41, "appointment_attended", appointment_at=f"{_day(self.t0, 40)}T18:30")

    def trained(self) -> None:
        self.ready()
        self.milestone(
            "jobdating_date", 45, jobdating_outcome="training", jobdating_agency="Adecco"
        )
        self.event(
            50,
            "training",
            start=_day(self.t0, 55),
            until=_day(self.t0, 130),
            title="Employé libre-service",
            provider="Muse",
            paid="yes",
        )

    def mission(self, day: int, until: int, kind: str = "temp_mission") -> None:
        self.event(
            day,
            "mission",
            kind=kind,
            agency="Domino",
            employer="Entrepôt du Sud",
            hours="35",
            until=_day(self.t0, until),
        )


def _waiting(p: _Person) -> None:
    p.event(3, "contact")


def _barrier_work(p: _Person) -> None:
    p.intake()
    p.event(12, "barrier_work", kind="housing")


def _hired(p: _Person) -> None:
    p.ready()
    p.milestone("jobdating_date", 45, jobdating_outcome="hired", jobdating_agency="Randstad")
    p.mission(50, 200, "fixed_term")


def _trained_working(p: _Person) -> None:
    p.trained()
    p.event(130, "training_completed")
    p.mission(140, 170)
    p.event(170, "mission_end")
    p.mission(180, 260)
    p.milestone("exit_date", 260, exit_reason="employment", exit_note="regular temp missions")


def _suspended(p: _Person) -> None:
    p.ready()
    p.event(50, "suspension", reason="family reasons")
    p.event(80, "resumption")


def _dropped(p: _Person) -> None:
    p.trained()
    p.milestone("dropout_date", 70, dropout_reason="stopped coming")


def _reentered(p: _Person) -> None:
    p.trained()
    p.milestone("dropout_date", 70, dropout_reason="stopped coming")
    p.event(300, "reentry", reason="referred again by the association")
    p.event(305, "intake", criteria=p.criteria)


SHAPES: tuple[Callable[[_Person], None], ...] = (
    _waiting,
    _barrier_work,
    _hired,
    _trained_working,
    _suspended,
    _dropped,
    _reentered,
    _trained_working,
)


def caseload(programme: str, n: int, seed: int = 14) -> tuple[Rows, Rows]:
    """`n` people of `programme` and their events, the same for the same arguments."""
    rng = random.Random(seed)
    people: Rows = []
    events: Rows = []
    for index in range(n):
        person = _Person(programme, index, rng)
        SHAPES[index % len(SHAPES)](person)
        people.append(person.row)
        events.extend(person.events)
    return people, events


def table(rows: Rows, columns: Sequence[Column], lang: str) -> list[list[str]]:
    return [
        [c.header(lang) for c in columns],
        *([r.get(c.name, "") for c in columns] for r in rows),
    ]


def write_caseload(
    folder: Path, programme: str, n: int, *, lang: str = "en", workbook: bool = False
) -> tuple[Path, Path | None]:
    """Write a caseload: one workbook with both sheets, or the people and events CSV files.
    Returns the people file and the events file (None for a workbook)."""
    people, events = caseload(programme, n)
    people_table, events_table = table(people, PEOPLE, lang), table(events, EVENTS, lang)
    if workbook:
        path = folder / f"{programme}-{n}.xlsx"
        book = Workbook()
        first = book.active
        assert first is not None
        for row in people_table:
            first.append(row)
        second = book.create_sheet("events" if lang == "en" else "evenements")
        for row in events_table:
            second.append(row)
        book.save(path)
        return path, None
    people_path, events_path = (
        folder / f"{programme}-{n}.csv",
        folder / f"{programme}-{n}.events.csv",
    )
    for path, rows in ((people_path, people_table), (events_path, events_table)):
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(rows)
    return people_path, events_path
