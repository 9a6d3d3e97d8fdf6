"""The template `parcours import --template PROGRAMME` writes: the headers of both files in
the reader's language, and one example person whose rows the programme accepts as they are.
"""

from __future__ import annotations

from parcours.domain.importing import columns
from parcours.domain.importing.columns import Column
from parcours.domain.programme import ProgrammeDefinition

SHEETS = {"en": ("people", "events"), "fr": ("personnes", "evenements")}
EXAMPLE_KEY = "EX-1"


def people_columns(programme: ProgrammeDefinition) -> list[Column]:
    """The people file's columns; the contract's only where the programme has one."""
    return [
        column
        for column in columns.PEOPLE
        if programme.has_contract or column.name not in columns.CONTRACT_COLUMNS
    ]


def _people_example(programme: ProgrammeDefinition) -> dict[str, str]:
    referrer = programme.referrers[0] if programme.referrers else "CCAS"
    criteria = ";".join(c.key for c in programme.eligibility)
    return {
        "key": EXAMPLE_KEY,
        "first_name": "Camille",
        "last_name": "Exemple",
        "birth_date": "1988-05-14",
        "referrer": referrer,
        "referral_date": "2025-09-02",
        "referral_reason": "referral by the partner association",
        "availability": "mornings",
        "skills": "retail;cashier",
        "languages": "fr;en",
        "intake_date": "2025-09-09",
        "criteria": criteria,
        "contract_date": "2025-10-02" if programme.has_contract else "",
        "coaching_date": "2025-10-06",
        "jobdating_date": "2025-10-20",
        "jobdating_outcome": "training",
        "jobdating_agency": "Adecco",
    }


def _events_example(programme: ProgrammeDefinition) -> list[dict[str, str]]:
    french = (
        programme.training_prerequisites.french_level if programme.training_prerequisites else None
    )
    rows = [
        {"event": "consent", "date": "2025-09-09", "kind": "referrer", "until": "2027-09-09"},
        {"event": "barrier", "date": "2025-09-09", "kind": "housing", "aid": "yes"},
        {"event": "barrier_resolved", "date": "2025-10-01", "kind": "housing"},
        {"event": "french", "date": "2025-10-01", "level": (french or "A1")},
        {
            "event": "training",
            "date": "2025-10-27",
            "start": "2025-11-03",
            "until": "2026-01-16",
            "title": "Employé libre-service",
            "provider": "Muse",
            "paid": "yes",
        },
        {"event": "training_completed", "date": "2026-01-16"},
        {
            "event": "mission",
            "date": "2026-02-02",
            "kind": "temp_mission",
            "agency": "Adecco",
            "employer": "Entrepôt du Sud",
            "hours": "35",
            "until": "2026-03-27",
        },
        {"event": "mission_end", "date": "2026-03-27"},
    ]
    return [{"key": EXAMPLE_KEY, **row} for row in rows]


def template(programme: ProgrammeDefinition, lang: str) -> tuple[list[list[str]], list[list[str]]]:
    """The people table and the events table: a header row, then the example's rows."""
    people_cols = people_columns(programme)
    example = _people_example(programme)
    people = [
        [column.header(lang) for column in people_cols],
        [example.get(column.name, "") for column in people_cols],
    ]
    events = [[column.header(lang) for column in columns.EVENTS]]
    events += [
        [row.get(column.name, "") for column in columns.EVENTS]
        for row in _events_example(programme)
    ]
    return people, events
