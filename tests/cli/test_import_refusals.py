"""`parcours import --dry-run` needs no server: 500 generated rows of each programme pass, a
file with twenty kinds of bad rows is refused row by row with the exact sentences, a file
that cannot be read is one line (exit 6), and nothing is sent unless the whole file passes.

Every test here runs `parcours` pointed at a port where nothing listens (`offline_cli`).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from parcours.domain.importing.columns import EVENTS, PEOPLE
from tests.caseloads import table, write_caseload
from tests.cli.import_helpers import open_caseload_sessions, open_sessions
from tests.cli.runner import Cli

GOOD = {
    "key": "G1",
    "first_name": "Amina",
    "last_name": "Diallo",
    "birth_date": "1985-03-02",
    "referrer": "CCAS",
    "referral_date": "2025-09-02",
    "intake_date": "2025-09-09",
    "criteria": "precarious_worker;lives_in_territory",
}


P, E = "people.csv", "people.events.csv"


def person(key: str, **cells: str) -> dict[str, str]:
    return {**GOOD, "key": key, "last_name": f"Diallo-{key}", **cells}


def event(key: str, name: str, date: str = "2025-09-10", **cells: str) -> dict[str, str]:
    return {"key": key, "event": name, "date": date, **cells}


PEOPLE_ROWS = [
    GOOD,
    person("K01", first_name=""),
    person("K02", birth_date="31/02/1990"),
    person("K03", birth_date="2015-01-01"),
    person("K04", referral_date="next week"),
    person("K05", referral_date="2031-01-01", intake_date=""),
    person("K06", criteria=""),
    person("K07", criteria="precarious_worker;lives_in_paris"),
    person("K08", contract_date="2025-09-20"),
    person("K09", exit_date="2025-10-01"),
    person("K10", exit_date="2025-10-01", exit_reason="retired", exit_note="moved on"),
    person("K11", exit_date="2025-10-01", exit_reason="moved_away"),
    person("K01", last_name="Other"),
    person("K13", last_name="diallo", first_name=" amina "),
    person("K14"),
    person("K15"),
    person("K16"),
    person("K17"),
    person("K18"),
    person("K19", coaching_date="2025-09-20"),
    person("K20", first_name="Ami\u202ena"),
    person("K21"),
    person("K22", jobdating_date="2025-09-20", jobdating_outcome="maybe"),
    person("K23"),
    person("K24", phone="06 12"),
]
EVENT_ROWS = [
    event("K08", "barrier", kind="housing"),
    event("K14", "frein", kind="logemnt"),
    event("K15", "phone call"),
    event("K16", "barrier", kind="health"),
    event("K16", "mission", kind="permanent", employer="Leclerc", hours="full time"),
    event("K17", "barrier_resolved", kind="childcare"),
    event("K18", "contact", date="2025-08-01"),
    event("K21", "consent", kind="referrer", until="2025-09-01"),
    event("K99", "contact"),
    event("K23", "barrier", kind="mobility", aid="maybe"),
]

# What may be done at each refusal: no barrier, appointment, alert or consent is open on these rows'
# pathways (but row 10's b1), so none of their follow-ups is offered.
ALLOWED_1 = (
    "complete the intake, exit the pathway, assign a referent, record a contact, assess "
    "the level of French, record a barrier, schedule an appointment, record consent"
)
ALLOWED_2 = (
    "suspend the pathway, record a drop-out, exit the pathway, assign a referent, record "
    "a contact, assess the level of French, record a barrier, work on a barrier, resolve "
    "a barrier, waive a barrier, schedule an appointment, record consent"
)
ALLOWED_3 = (
    "sign the contract, suspend the pathway, record a drop-out, exit the pathway, assign "
    "a referent, record a contact, assess the level of French, record a barrier, schedule "
    "an appointment, record consent"
)
REFUSALS = [
    (
        "people.csv row 3, column first_name, refused: this column "
        "needs a value here. [rule import_cell]"
    ),
    (
        "people.csv row 4, column birth_date, refused: “31/02/1990” "
        "is not a date; write YYYY-MM-DD, YYYY-MM-DDTHH:MM, DD/MM/YYYY. [rule import_cell]"
    ),
    (
        "people.csv row 5, column birth_date, refused: the birth "
        "date 2015-01-01 makes the person 10 years old at the referral; a person referred is "
        "14 to 100 years old. [rule instant_bound]"
    ),
    (
        "people.csv row 6, column referral_date, refused: “next week”"
        " is not a date; write YYYY-MM-DD, YYYY-MM-DDTHH:MM, DD/MM/YYYY. [rule import_cell]"
    ),
    (
        "people.csv row 7, column referral_date, refused: it cannot"
        " be dated after now ({now}), give or take 5 minutes for clock differences."
        " [rule instant_bound]"
    ),
    (
        "people.csv row 8, column intake_date, refused: "
        "eligibility criteria not met: Precarious worker (involuntary part time, short"
        " contracts, working poor) (precarious_worker), Lives in the plan's territory"
        " (lives_in_territory). Allowed at that"
        " point: {ALLOWED_1}. [rule eligibility_met]"
    ),
    (
        "people.csv row 9, column intake_date, refused: unknown"
        " eligibility criterion: lives_in_paris; this programme's criteria are Precarious"
        " worker (involuntary part time, short contracts, working poor) (precarious_worker),"
        " Lives in the plan's territory (lives_in_territory)."
        " [rule criterion_unknown]"  # a typing slip: no list of actions
    ),
    (
        "people.csv row 10, column contract_date, refused: blocking barriers must be resolved"
        " or waived with a reason first: b1. Allowed at that point: {ALLOWED_2}. [rule "
        "blocking_barriers_cleared]"
    ),
    (
        "people.csv row 11, column exit_reason, refused: this column "
        "needs a value here. [rule import_cell]"
    ),
    (
        "people.csv row 12, column exit_reason, refused: “retired” is"
        " not one of the values this column takes: employment, training_elsewhere, "
        "accompaniment_ended, dropped_out, moved_away, health, ineligible, other."
        " [rule import_cell]"
    ),
    (
        "people.csv row 13, column exit_note, refused: “exit the "
        "pathway” needs a reason: write it in this column (it is recorded, as a professional "
        "note). Allowed at that point: {ALLOWED_3}. [rule reason_required]"
    ),
    (
        "people.csv row 14, column key, refused: the key “K01” is "
        "already the key of row 3; each person has one key. [rule import_cell]"
    ),
    (
        "people.csv row 15, refused: this person (same names and "
        "birth date) is already the person of row 2. [rule import_cell]"
    ),
    (
        "people.csv row 21, column coaching_date, refused: “start coaching”"
        " is not allowed while the pathway is at the stage “Barrier work”. Allowed at that "
        "point: {ALLOWED_3}. [rule stage]"
    ),
    (
        "people.csv row 22, column first_name, refused: The first name "
        "holds invisible control characters (U+202E): Unicode direction controls would make "
        "the record read differently from what was typed, terminal controls would rewrite the "
        "screen of whoever reads it. Type it again without them. [rule referral]"
    ),
    (
        "people.csv row 24, column jobdating_outcome, refused: "
        "“maybe” is not one of the values this column takes: hired, training, no_match."
        " [rule import_cell]"
    ),
    (
        "people.csv row 26, column phone, refused: 06 12 is not a phone "
        "number: write its digits (6 to 15), with spaces, dots or dashes between them if you "
        "like and + before a country code, as 06 12 34 56 78 or +33 6 12 34 56 78; notes go in "
        "the availability (--availability, or the import's column). [rule referral]"
    ),
    (
        "people.events.csv row 3, column kind, refused: “logemnt” is"
        " not one of the values this column takes: housing, health, childcare, mobility, "
        "language, administrative, finances. [rule import_cell]"
    ),
    (
        "people.events.csv row 4, column event, refused: “phone call”"
        " is not an event the file may hold: intake, contact, french, referent, barrier, "
        "barrier_work, barrier_resolved, barrier_waived, consent, consent_withdrawn, "
        "contract, coaching, jobdating, training, training_completed, training_dropped, "
        "mission, mission_end, appointment, appointment_attended, appointment_missed, "
        "suspension, resumption, dropout, reentry, exit. [rule import_cell]"
    ),
    (
        "people.events.csv row 6, column hours, refused: “full time” "
        "is not a number from 0.5 to 48. [rule import_cell]"
    ),
    (
        "people.events.csv row 7, column kind, refused: no childcare "
        "barrier is open by this date; open it with a barrier event first. [rule import_cell]"
    ),
    (
        "people.events.csv row 8, column date, refused: it cannot "
        "be dated before the referral (2025-09-02 00:00)."
        " [rule instant_bound]"  # a date's bound: no list of actions
    ),
    (
        "people.events.csv row 9, column date, refused: a consent "
        "must expire after it is given and after now ({now}). [rule instant_bound]"
    ),
    (
        "people.events.csv row 10, column key, refused: no row of the"
        " people file has the key “K99”. [rule import_cell]"
    ),
    (
        "people.events.csv row 11, column aid, refused: “maybe” is "
        "not yes or no (yes, oui, 1, x; no, non, 0 or empty). [rule import_cell]"
    ),
]


def write(folder: Path, people: list[dict[str, str]], events: list[dict[str, str]]) -> list[str]:
    paths = [folder / P, folder / E]
    for path, rows, columns in zip(paths, (people, events), (PEOPLE, EVENTS), strict=True):
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(table(rows, columns, "en"))
    return [str(paths[0]), "--events", str(paths[1])]


def dry_run(cli: Cli, *args: str, lang: str = "en") -> tuple[int, list[str], str]:
    result = cli("--lang", lang, "--role", "coordinator", "import", "atp-cergy", *args, "--dry-run")
    return result.exit_code, result.stderr.splitlines(), result.stdout


def expected(line: str) -> str:
    for name, allowed in (
        ("ALLOWED_1", ALLOWED_1),
        ("ALLOWED_2", ALLOWED_2),
        ("ALLOWED_3", ALLOWED_3),
    ):
        line = line.replace("{" + name + "}", allowed)
    return line


NOW = re.compile(r"after now \((\d{4}-\d\d-\d\d \d\d:\d\d)\)")
"""The two refusals bounded by now name the minute they were checked at."""


def test_twenty_kinds_of_bad_rows_are_refused_row_by_row(offline_cli: Cli, tmp_path: Path) -> None:
    code, lines, said = dry_run(offline_cli, *write(tmp_path, PEOPLE_ROWS, EVENT_ROWS))
    assert code == 3
    assert [NOW.sub("after now ({now})", line) for line in lines] == list(map(expected, REFUSALS))
    assert said.strip() == "Dry run: 1 of 25 people pass; 25 refusal(s); nothing was sent."


def test_values_are_taken_by_their_french_names_as_the_cli_takes_them(
    offline_cli: Cli, tmp_path: Path
) -> None:
    """A coordinator's spreadsheet in French: "logement", "CDI", "agence d'intérim",
    "déménagement", "embauche" name their values as `barrier add logement` does, and the
    criteria are named by their labels as `intake complete --criterion` takes them."""
    people = [
        person("F1", exit_date="2025-10-20", exit_reason="déménagement", exit_note="Lyon"),
        person("F2", coaching_date="2025-09-25", jobdating_date="2025-09-30"),
    ]
    people[1] |= {"contract_date": "2025-09-20", "jobdating_outcome": "Embauche"}
    people[1]["criteria"] = "salariée précaire ; Réside sur le territoire du PLIE"
    events = [
        event("F1", "frein", kind="logement"),
        event("F1", "frein_leve", date="2025-09-12", kind="Logement"),
        event("F1", "consentement", kind="agence d'interim"),
        event("F2", "rdv", appointment_at="2025-09-15T10:00", kind="individuel", place="bureau"),
        event("F2", "mission", date="2025-10-06", kind="CDI", employer="Leclerc", hours="35"),
    ]
    code, lines, said = dry_run(offline_cli, *write(tmp_path, people, events), lang="fr")
    assert (code, lines) == (0, []), lines
    assert "2 personne(s) acceptée(s) sur 2 ; 0 refus" in said, said


def test_without_partial_nothing_is_sent_while_a_row_is_refused(
    offline_cli: Cli, tmp_path: Path
) -> None:
    """Not a dry run, and no server behind: refused before anything is sent, not exit 5."""
    files = write(tmp_path, [GOOD, person("K01", first_name="")], [])
    result = offline_cli("--role", "coordinator", "import", "atp-cergy", *files)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [REFUSALS[0]]
    assert result.stdout.strip() == (
        "Nothing imported: 1 of 2 people pass; 1 refusal(s). Correct them and run again, "
        "or import the people that pass with --partial."
    )


@pytest.mark.parametrize(
    ("programme", "workbook", "lang"), [("atp-cergy", False, "en"), ("nouveau-depart", True, "fr")]
)
def test_a_generated_caseload_of_500_passes_the_dry_run(
    offline_cli: Cli, tmp_path: Path, programme: str, workbook: bool, lang: str
) -> None:
    people, events = write_caseload(tmp_path, programme, 500, lang=lang, workbook=workbook)
    more = ["--events", str(events)] if events else []
    open_caseload_sessions(offline_cli, programme, 500)  # the read model alone: no server
    result = offline_cli(
        "--role", "coordinator", "import", programme, str(people), *more, "--dry-run", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "dry_run": True,
        "rows": 500,
        "passing": 500,
        "sent": False,
        "refused": [],
    }


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("programme", ["atp-cergy", "nouveau-depart"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_template_in_each_language_passes_its_own_dry_run(
    offline_cli: Cli, tmp_path: Path, lang: str, programme: str, suffix: str
) -> None:
    target = tmp_path / f"template{suffix}"
    written = offline_cli(
        "--lang",
        lang,
        "--role",
        "coordinator",
        "import",
        "--template",
        programme,
        str(target),
        "--json",
    )
    assert written.exit_code == 0, written.output
    files = json.loads(written.stdout)["files"]
    more = ["--events", files[1]] if len(files) == 2 else []
    checked = offline_cli(
        "--lang", lang, "--role", "coordinator", "import", programme, files[0], *more, "--dry-run"
    )
    assert checked.exit_code == 0, checked.output
    headers = target.read_text(encoding="utf-8").splitlines()[0] if suffix == ".csv" else ""
    assert ("prenom" in headers) == (lang == "fr" and suffix == ".csv")


def test_unreadable_files_are_one_line_and_exit_6(offline_cli: Cli, tmp_path: Path) -> None:
    people = tmp_path / "latin1.csv"
    header = ",".join(c.name for c in PEOPLE if c.required)
    people.write_bytes(
        f"{header}\nG1,Amina,Diallo,1985-03-02,CCAS,2025-09-02\n".encode()
        + "G2,Hélène,Dupont,1985-03-02,CCAS,2025-09-02\n".encode("latin-1")
    )
    missing = tmp_path / "missing.csv"
    missing.write_text("key,first_name,last_name,referrer,referral_date\n", encoding="utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    said = {}
    for path in (people, missing, broken, tmp_path / "absent.csv"):
        result = offline_cli("--role", "coordinator", "import", "atp-cergy", str(path), "--dry-run")
        assert result.exit_code == 6, result.output
        said[path.name] = result.stderr.strip()
    assert said == {
        "latin1.csv": f"{people} row 3: not UTF-8 text; save the file as CSV UTF-8 (or as XLSX) "
        "and try again.",
        "missing.csv": f"{missing} row 1, column birth_date: this required column is missing; the "
        "template has every column (parcours import --template PROGRAMME).",
        "broken.xlsx": f"{broken}: not an XLSX workbook parcours can read; save it as XLSX or as "
        "CSV UTF-8.",
        "absent.csv": f"{tmp_path / 'absent.csv'}: no such file, or it cannot be opened.",
    }


def test_only_coordinators_import(offline_cli: Cli, tmp_path: Path) -> None:
    files = write(tmp_path, [GOOD], [])
    result = offline_cli("--role", "staff", "import", "atp-cergy", *files, "--dry-run")
    assert result.exit_code == 3
    assert result.stderr.strip() == ("Only coordinators import caseloads.")


def test_a_row_whose_session_is_unknown_or_closed_is_refused_with_the_open_ones(
    offline_cli: Cli, tmp_path: Path
) -> None:
    """As `refer --session`: the session must exist and be open (the read model, no server)."""
    open_sessions(offline_cli, "atp-cergy", ["2025-08", "2025-09"])
    closed = offline_cli(
        "--role", "coordinator", "session", "close", "2025-08", "--programme", "atp-cergy"
    )
    assert closed.exit_code == 0, closed.output
    rows = [
        person("S1", session="2025-09"),
        person("S2", session="2025-07"),
        person("S3", session="2025-08"),
        person("S4"),
    ]
    code, lines, said = dry_run(offline_cli, *write(tmp_path, rows, []))
    assert code == 3
    assert lines == [
        "people.csv row 3, column session, refused: programme atp-cergy has no session "
        "2025-07; open sessions of atp-cergy: 2025-09; open this one first (parcours session "
        "open), or leave the column empty. [rule unknown_reference]",
        "people.csv row 4, column session, refused: session 2025-08 is closed: it takes no "
        "more referrals; open sessions of atp-cergy: 2025-09; open this one first (parcours "
        "session open), or leave the column empty. [rule session_closed]",
    ]
    assert said.strip() == "Dry run: 2 of 4 people pass; 2 refusal(s); nothing was sent."


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_jobs_below_one_is_one_sentence(offline_cli: Cli, tmp_path: Path, lang: str) -> None:
    files = write(tmp_path, [GOOD], [])
    result = offline_cli(
        "--lang", lang, "--role", "coordinator", "import", "atp-cergy", *files, "--jobs", "0"
    )
    assert result.exit_code == 2, result.output
    assert (
        result.stderr.strip()
        == {
            "en": "--jobs takes a whole number of people sent at once, 1 or more (not 0); leave it "
            "out for 8.",
            "fr": "--jobs attend un nombre entier de personnes envoyées en même temps, 1 ou plus "
            "(pas 0) ; omettez-le pour 8.",
        }[lang]
    )
