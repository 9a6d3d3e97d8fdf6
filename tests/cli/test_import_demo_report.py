"""The seed's 2017 Nouveau départ session, brought in from a caseload file, gives the same
`parcours report` as `parcours demo nouveau-depart-2017` telling the same story.

The file is written here from the story the demo tells (`parcours.demos.nouveau_depart`,
the programme's description): nine people referred by Amicale du Nid from 6 March 2017,
the presentation on the 13th, the coaching day on the 20th, the job-dating on the 27th
(two hired, seven to the paid Muse training from 10 April to 23 June), one dropping out of
the programme and one out of the training, four trained people in temp missions, and a
second job-dating in April 2018 without a mission for two. It is written as a coordinator
would fill the template, row by row, not generated from the demo's code: the demo may
enter its group steps otherwise, the figures stay the story's.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from parcours.domain.importing.columns import EVENTS, PEOPLE
from tests.caseloads import Rows, table
from tests.cli.import_helpers import open_sessions, run_import
from tests.cli.runner import Cli, as_coordinator
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

SESSION = "2017-03"
AT = "T09:00"  # the demo's instants are 09:00 UTC; the CLI here reads local time as UTC
AGENCIES = (
    "A2I",
    "Actual industrie",
    "Adecco",
    "Axxis",
    "Domino",
    "Eureka",
    "Id'ées Intérim",
    "Randstad",
)
TRAININGS = ("Employé libre-service et hôtesse de caisse", "Employé polyvalent en surface de vente")
CRITERIA = "referred_by_partner_association;wishes_to_leave_prostitution;temp_work_presented"
FIRST = ("Blessing", "Joy", "Favour", "Precious", "Gift", "Mercy", "Esther", "Peace", "Grace")
PRESENTATION, COACHING, JOB_DATING = date(2017, 3, 13), date(2017, 3, 20), date(2017, 3, 27)
TRAINING_STARTS, TRAINING_ENDS = date(2017, 4, 10), date(2017, 6, 23)


def _on(day: date) -> str:
    return day.isoformat() + AT


def _mission(key: str, agency: str, starts: date) -> dict[str, str]:
    return {
        "key": key,
        "event": "mission",
        "date": _on(starts),
        "kind": "temp_mission",
        "agency": agency,
        "employer": "Grande distribution",
        "hours": "35",
        "until": _on(date(2018, 6, 29)),
    }


def _person(index: int, events: Rows) -> dict[str, str]:
    """Person `index`'s row up to the job-dating, and their events up to there."""
    key, referred = f"ND17-{index + 1}", date(2017, 3, 6) + timedelta(days=index % 5)
    events += [
        {"key": key, "event": "consent", "date": _on(referred), "kind": "referrer"},
        {"key": key, "event": "consent", "date": _on(PRESENTATION), "kind": "temp_agency"},
        {"key": key, "event": "french", "date": _on(PRESENTATION), "level": "A1"},
    ]
    hired = index < 2
    return {
        "key": key,
        "first_name": FIRST[index],
        "last_name": f"Import-{index + 1}",
        "birth_date": f"{1988 + index}-0{1 + index % 9}-15",
        "referrer": "Amicale du Nid",
        "referral_date": _on(referred),
        "session": SESSION,
        "referent": "demo-referent-nd",
        "languages": "en;fr",
        "intake_date": _on(PRESENTATION),
        "criteria": CRITERIA,
        "coaching_date": _on(COACHING),
        "jobdating_date": _on(JOB_DATING),
        "jobdating_outcome": "hired" if hired else "training",
        "jobdating_agency": ("Adecco", "Randstad")[index] if hired else AGENCIES[(index - 2) % 8],
    }


def session_2017() -> tuple[Rows, Rows]:
    """The people and events files of the story."""
    events: Rows = []
    people = [_person(index, events) for index in range(9)]
    for index, agency in enumerate(("Adecco", "Randstad")):
        events.append(_mission(people[index]["key"], agency, JOB_DATING + timedelta(days=7)))
    for index, person in enumerate(people[2:]):
        training = {"event": "training", "date": _on(TRAINING_STARTS), "provider": "Muse"}
        training.update(title=TRAININGS[index % 2], until=_on(TRAINING_ENDS), paid="yes")
        events.append({"key": person["key"], **training})
    people[2].update(dropout_date=_on(date(2017, 5, 2)))
    people[2].update(dropout_reason="stopped coming to the training")
    paused = people[3]["key"]
    events.append(
        {
            "key": paused,
            "event": "training_dropped",
            "date": _on(date(2017, 5, 15)),
            "reason": "left the training",
        }
    )
    for person in people[4:]:
        ended = _on(TRAINING_ENDS)
        events.append({"key": person["key"], "event": "training_completed", "date": ended})
    for days, person in enumerate(people[4:8]):
        starts = JOB_DATING + timedelta(days=98 + 7 * days)
        events.append(_mission(person["key"], AGENCIES[4 + days], starts))
    for key in (paused, people[8]["key"]):
        second = {"key": key, "event": "jobdating", "date": _on(date(2018, 4, 12))}
        second.update(kind="no_match", reason="registered with the agencies, no mission yet")
        events.append(second)
    return people, events


def write(folder: Path) -> tuple[Path, Path]:
    people, events = session_2017()
    files = (folder / "nd-2017.csv", folder / "nd-2017.events.csv")
    for path, rows, columns in zip(files, (people, events), (PEOPLE, EVENTS), strict=True):
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(table(rows, columns, "en"))
    return files


def the_demo(folder: Path) -> dict[str, Any]:
    """`parcours demo nouveau-depart-2017`'s report, on its own server and folder."""
    demo = Cli(
        {
            "PARCOURS_CONFIG": str(folder / "no-config.toml"),
            "PARCOURS_ACTOR": "coord-21b9",
            "PARCOURS_ROLE": "coordinator",
            "PARCOURS_LANG": "en",
            "PARCOURS_TIMEZONE": "UTC",
        }
    )
    result = demo("demo", "nouveau-depart-2017", "--data", str(folder / "demo"), "--json")
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)["report"]
    return report


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """What a report counts: the whole programme and each session."""
    return {"total": report["total"], "sessions": report["sessions"]}


def test_the_imported_session_reports_as_the_demo(cli: Cli, tmp_path: Path) -> None:
    demo = figures(the_demo(tmp_path))
    total = demo["total"]
    assert total["funnel"]["referred"] == 9
    assert total["jobdating_outcomes"]["hired"] == 2
    assert (total["funnel"]["training"], total["funnel"]["dropped_out"]) == (7, 2)
    assert total["funnel"]["employment"] == 6
    assert total["stages_now"]["awaiting_mission"] == 2

    open_sessions(cli, "nouveau-depart", [SESSION])
    people, events = write(tmp_path)
    imported = run_import(cli, "nouveau-depart", str(people), "--events", str(events))
    assert imported["counts"] == {"imported": 9}

    def report() -> dict[str, Any]:
        shown = as_coordinator(cli, "report", "nouveau-depart", "--unmasked", "--json")
        assert shown.exit_code == 0, shown.output
        return figures(json.loads(shown.stdout))

    eventually_blocking(
        report,
        lambda found: found == demo,
        what="the imported session's report equal to the demo's, once projected",
    )
