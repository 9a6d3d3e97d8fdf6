"""`parcours session`, `refer --session` and the coaching day, on a real dev server.

Sessions live in the read model (SQLite in the test's data folder, shared by the CLI and
the worker); a session's people are read from the projection, so a test waits for it.
"""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.programme_runs import (
    AMICALE,
    ND_CRITERIA,
    act,
    add_referrer,
    open_session,
    refer_into,
    when_projected,
)
from tests.cli.runner import Cli, as_coordinator

pytestmark = [pytest.mark.temporal]


def test_a_session_is_opened_listed_shown_and_closed(cli: Cli) -> None:
    add_referrer(cli)
    as_staff = cli(
        "session", "open", "2017-03", "--programme", "nouveau-depart", "--start", "2017-03-01"
    )
    assert as_staff.exit_code == ExitCode.REFUSED
    assert as_staff.stderr.startswith("Only a coordinator may open or close a session")
    open_session(cli, "2017-03", "--capacity", "9", "--referrer", AMICALE)
    again = as_coordinator(
        cli, "session", "open", "2017-03", "--programme", "nouveau-depart", "--start", "2017-03-01"
    )
    assert again.exit_code == ExitCode.REFUSED
    assert again.stderr == (
        "Refused: programme nouveau-depart already has a session 2017-03. [rule session_exists]\n"
    )
    listed = json.loads(cli("session", "list", "--json").stdout)
    assert [
        (s["name"], s["capacity"], s["referrers"], s["status"], s["people"]) for s in listed
    ] == [("2017-03", 9, [AMICALE], "open", 0)]
    printed = cli("--lang", "fr", "session", "list")
    assert "Sessions (1)" in printed.stdout
    assert "ouverte" in printed.stdout
    closed = as_coordinator(cli, "session", "close", "2017-03", "--json")
    assert closed.exit_code == 0, closed.output
    assert json.loads(closed.stdout)["status"] == "closed"
    twice = as_coordinator(cli, "session", "close", "2017-03")
    assert twice.exit_code == ExitCode.REFUSED
    assert "session_closed" in twice.stderr
    unknown = cli("session", "show", "2099-01", "--programme", "atp-cergy")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    assert unknown.stderr == "Not found: programme atp-cergy has no session 2099-01.\n"
    nowhere = cli("--lang", "fr", "session", "show", "2099-01")
    assert nowhere.exit_code == ExitCode.NOT_FOUND
    assert nowhere.stderr.startswith("Aucun programme n'a de session 2099-01")


@pytest.mark.parametrize(
    ("extra", "code", "said"),
    [
        (
            ("--referrer", "Nobody"),
            ExitCode.NOT_FOUND,
            "Not found: no partner Nobody in the partner directory",
        ),
        (("--capacity", "0"), ExitCode.USAGE, "Invalid value for '--capacity'"),
        (("--capacity", "99999999999"), ExitCode.USAGE, "10000 at the most; leave --capacity"),
    ],
    ids=["unknown-referrer", "no-capacity", "absurd-capacity"],
)
def test_a_session_names_referrers_of_the_directory_and_a_real_capacity(
    cli: Cli, extra: tuple[str, ...], code: ExitCode, said: str
) -> None:
    refused = as_coordinator(
        cli, "session", "open", "S1", "--programme", "atp-cergy", "--start", "2026-03-01", *extra
    )
    assert refused.exit_code == code
    assert said in refused.stderr
    assert json.loads(cli("session", "list", "--json").stdout) == []


def test_refer_into_a_session_that_is_open_and_has_room_only(cli: Cli) -> None:
    add_referrer(cli)
    open_session(cli, "2017-03", "--capacity", "2")
    refer_into(cli, "Ada", "--session", "2017-03")
    refer_into(cli, "Berthe", "--session", "2017-03")
    when_projected(cli, "2017-03", {"referred": 2})
    typed = (
        *("refer", "--programme", "nouveau-depart", "--referrer", AMICALE, "--reason", "work"),
        *("--first-name", "Chloé", "--last-name", "Quillfeather", "--birth-date", "1991-01-01"),
    )
    blank = cli("--lang", "fr", *typed, "--session", " ")
    assert blank.exit_code == ExitCode.USAGE, blank.output
    assert blank.stderr.startswith("--session ne nomme aucune session : donnez le nom")
    full = cli(*typed, "--session", "2017-03")
    assert full.exit_code == ExitCode.REFUSED
    assert full.stderr == (
        "Refused: session 2017-03 is full: 2 people for a capacity of "
        "2. Sessions of nouveau-depart that take this referrer and have room: none; "
        "or refer without --session. "
        "[rule session_full]\n"
    )
    unknown = cli("--lang", "fr", *typed, "--session", "2018-03")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    assert unknown.stderr.startswith(
        "Refusé : le programme nouveau-depart n'a pas de session 2018-03."
    )
    as_coordinator(cli, "session", "close", "2017-03")
    closed = cli(*typed, "--session", "2017-03")
    assert closed.exit_code == ExitCode.REFUSED
    assert "session 2017-03 is closed: it takes no more referrals" in closed.stderr
    assert cli(*typed, "--json").exit_code == 0  # without --session: its month, no session


def test_refer_into_a_session_only_from_one_of_its_referring_partners(cli: Cli) -> None:
    add_referrer(cli)
    add_referrer(cli, "SOS femmes")
    open_session(cli, "2017-03", "--referrer", AMICALE)
    typed = (
        *("refer", "--programme", "nouveau-depart", "--referrer", "SOS femmes"),
        *("--first-name", "Chloé", "--last-name", "Quillfeather", "--birth-date", "1991-01-01"),
        *("--reason", "work", "--session", "2017-03"),
    )
    other = cli(*typed)
    assert other.exit_code == ExitCode.REFUSED
    assert other.stderr == (
        "Refused: SOS femmes does not refer into session "
        "2017-03: its referring partners are Amicale du Nid. "
        "Sessions of nouveau-depart that take this referrer and have room: "
        "none; or refer without --session. [rule referrer_not_in_session]\n"
    )  # not the session that just refused SOS femmes, which a trial was offered
    french = cli("--lang", "fr", *typed)
    assert french.exit_code == ExitCode.REFUSED
    assert "SOS femmes n'oriente pas vers la session 2017-03" in french.stderr
    refer_into(cli, "Ada", "--session", "2017-03")  # Amicale du Nid refers into it
    open_session(cli, "2017-09")  # opened naming no referrer: any referrer may refer
    offered = cli(*typed)
    assert (
        "Sessions of nouveau-depart that take this referrer and have room: 2017-09;"
        in offered.stderr
    ), offered.stderr
    assert cli(*typed[:-1], "2017-09", "--json").exit_code == 0


def test_reenter_names_a_session_that_exists_and_is_open(cli: Cli) -> None:
    add_referrer(cli)
    open_session(cli, "2017-03")
    ref = refer_into(cli, "Ada", "--session", "2017-03")
    act(cli, "intake", "complete", ref, *ND_CRITERIA)
    act(cli, "dropout", ref, "--reason", "no news")
    unknown = cli("reenter", ref, "--session", "2018-03", "--reason", "back")
    assert unknown.exit_code == ExitCode.NOT_FOUND
    assert unknown.stderr.startswith("Refused: programme nouveau-depart has no session 2018-03.")
    assert "a re-entry names one of them" in unknown.stderr
    assert "refer without --session" not in unknown.stderr  # a re-entry names a session
    as_coordinator(cli, "session", "close", "2017-03")
    closed = cli("--lang", "fr", "reenter", ref, "--session", "2017-03", "--reason", "back")
    assert closed.exit_code == ExitCode.REFUSED
    assert "la session 2017-03 est close" in closed.stderr
    open_session(cli, "2018-03")
    back = cli("reenter", ref, "--session", "2018-03", "--reason", "back", "--json")
    assert back.exit_code == 0, back.output


def test_show_keeps_the_first_referral_beside_the_re_entry(cli: Cli) -> None:
    add_referrer(cli)
    open_session(cli, "2017-03")
    open_session(cli, "2018-03")
    ref = refer_into(cli, "Ada", "--session", "2017-03", "--on", "2026-11-02T09:00")
    act(cli, "intake", "complete", ref, *ND_CRITERIA, "--on", "2026-11-03T10:00")
    act(cli, "dropout", ref, "--reason", "no news", "--on", "2026-11-10T10:00")
    back = ("--session", "2018-03", "--reason", "back", "--on", "2026-11-20T14:00")
    act(cli, "reenter", ref, *back)
    entries = json.loads(cli("show", ref, "--json").stdout)["status"]["entries"]
    assert entries == {
        "referred_at": "2026-11-02T09:00:00+00:00",
        "reentered_at": "2026-11-20T14:00:00+00:00",
        "earlier_sessions": ["2017-03"],
    }
    shown = cli("--lang", "fr", "show", ref, COLUMNS="400")
    rows = " ".join(shown.stdout.split())
    assert "Orienté le 2026-11-02 09:00 Réintégré le 2026-11-20 14:00" in rows, rows
    assert "(après un décrochage ; sessions précédentes : 2017-03)" in rows
    assert "Contrat signé" not in rows  # Nouveau départ has no engagement contract
    assert "Accueil réalisé le — (remplis lors de l'accueil précédent : Orienté·e par " in rows
    timeline = " ".join(cli("--lang", "fr", "timeline", ref, COLUMNS="400").stdout.split())
    assert "Réintégré·e : session 2018-03" in timeline, timeline
    again = refer_into(cli, "Berthe", "--session", "2018-03", "--on", "2026-11-02T09:00")
    act(cli, "intake", "complete", again, *ND_CRITERIA, "--on", "2026-11-03T10:00")
    act(cli, "dropout", again, "--reason", "no news", "--on", "2026-11-10T10:00")
    act(cli, "reenter", again, *back)  # into the session they left: not "earlier sessions"
    same = " ".join(cli("--lang", "fr", "show", again, COLUMNS="400").stdout.split())
    assert "Réintégré le 2026-11-20 14:00 (après un décrochage, dans la même session)" in same
    during = cli("contact", ref, "--on", "2026-11-15T10:00")
    assert during.exit_code == ExitCode.REFUSED
    assert "it cannot be dated before the re-entry (2026-11-20 14:00)" in during.stderr
    assert "referral" not in during.stderr


def test_the_coaching_day_moves_each_pathway_by_its_own_rules(cli: Cli) -> None:
    add_referrer(cli)
    open_session(cli, "2017-03")
    ready = [refer_into(cli, first, "--session", "2017-03") for first in ("Ada", "Berthe")]
    late = refer_into(cli, "Chloé", "--session", "2017-03")
    for pathway_id in ready:
        act(cli, "intake", "complete", pathway_id, *ND_CRITERIA)
    when_projected(cli, "2017-03", {"referred": 1, "barrier_work": 2})
    day = cli("coaching", "day", "2017-03", "--request-id", "coaching-day-2017-03")
    assert day.exit_code == ExitCode.REFUSED, day.output
    lines = day.stdout.splitlines()
    for pathway_id in ready:
        assert f"{pathway_id[8:16]}: coaching started; stage now: Coaching." in lines
    assert any(line.startswith(f"{late[8:16]}, refused:") for line in lines)
    assert lines[-1] == "Coaching day: 2 started, 1 refused."
    rerun = cli("coaching", "day", "2017-03", "--request-id", "coaching-day-2017-03", "--json")
    assert rerun.exit_code == ExitCode.REFUSED
    rerun_said = json.loads(rerun.stdout)
    answers = {a["pathway_id"]: a for a in rerun_said["answers"]}
    for pathway_id in ready:  # answered from the first run, or left out once projected
        assert (
            answers.get(pathway_id, {}).get("done") or pathway_id in rerun_said["already_started"]
        )
    assert answers[late]["rule"] == "stage"
    for pathway_id in ready:  # the rerun applied nothing twice
        timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
        assert [e["kind"] for e in timeline].count("coaching_started") == 1
    when_projected(cli, "2017-03", {"referred": 1, "coaching": 2})
    again = cli("coaching", "day", "2017-03")  # a later coaching day: those started are left out
    assert again.stdout.splitlines()[-1] == (
        "Coaching day: 0 started, 1 refused. Coaching started already, left out: 2."
    )
    future = cli("coaching", "day", "2017-03", "--on", "2099-01-01")
    assert future.exit_code == ExitCode.REFUSED, future.output
    assert len(future.stderr.strip().splitlines()) == 1  # said once, not once per person
    assert "instant_bound" in future.stderr
    shown = cli("--lang", "fr", "session", "show", "2017-03")
    assert "Personnes par étape" in shown.stdout
    assert "Coaching" in shown.stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_coaching_day_leaves_out_a_pathway_closed_for_good(cli: Cli, lang: str) -> None:
    """A person erased at their request stays in the session's count, but the coaching day
    no longer tries them: before, it printed a refusal for them and exited 3, on every
    coaching day of the session from then on."""
    add_referrer(cli)
    open_session(cli, "2017-04")
    ready = refer_into(cli, "Ada", "--session", "2017-04")
    act(cli, "intake", "complete", ready, *ND_CRITERIA)
    gone = refer_into(cli, "Berthe", "--session", "2017-04")
    erased = as_coordinator(cli, "erase", gone, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output
    when_projected(cli, "2017-04", {"referred": 1, "barrier_work": 1})

    day = cli("--lang", lang, "coaching", "day", "2017-04")

    assert day.exit_code == 0, day.output
    words = {"en": ": closed for good", "fr": " : clos définitivement"}
    assert f"{gone[8:16]}{words[lang]}" in day.stdout
    last = {
        "en": "Closed for good, left out: 1.",
        "fr": "Clos définitivement, laissés de côté : 1.",
    }
    assert day.stdout.splitlines()[-1].endswith(last[lang])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_coaching_day_records_nothing_for_those_named_absent(cli: Cli, lang: str) -> None:
    """The day is recorded as held for each person: `--absent` leaves out who did not come,
    each by a short reference, rather than record them as started."""
    add_referrer(cli)
    open_session(cli, "2017-05")
    came = refer_into(cli, "Ada", "--session", "2017-05")
    stayed_home = refer_into(cli, "Berthe", "--session", "2017-05")
    for pathway_id in (came, stayed_home):
        act(cli, "intake", "complete", pathway_id, *ND_CRITERIA)
    when_projected(cli, "2017-05", {"barrier_work": 2})

    day = cli("--lang", lang, "coaching", "day", "2017-05", "--absent", stayed_home[8:14])

    assert day.exit_code == 0, day.output
    said = {
        "en": (": absent, nothing recorded.", "Coaching day: 1 started, 0 refused."),
        "fr": (" : absent·e, rien n'est enregistré.", "Journée de coaching : 1 commencé(s)"),
    }
    assert f"{stayed_home[8:16]}{said[lang][0]}" in day.stdout.splitlines()
    assert day.stdout.splitlines()[-1].startswith(said[lang][1]), day.stdout
    kinds = {
        p: [e["kind"] for e in json.loads(cli("timeline", p, "--json").stdout)]
        for p in (came, stayed_home)
    }
    assert "coaching_started" in kinds[came]
    assert "coaching_started" not in kinds[stayed_home]


def test_an_absent_reference_names_one_of_the_sessions_people(cli: Cli) -> None:
    add_referrer(cli)
    open_session(cli, "2017-07")
    member = refer_into(cli, "Ada", "--session", "2017-07")
    elsewhere = refer_into(cli, "Berthe")
    when_projected(cli, "2017-07", {"referred": 1})

    wrong = cli("coaching", "day", "2017-07", "--absent", elsewhere[8:16])
    assert wrong.exit_code == ExitCode.NOT_FOUND, wrong.output
    assert wrong.stderr.startswith(f"Not found: {elsewhere[8:16]} names none of the people")
    assert member[8:16] in wrong.stderr
    assert cli("coaching", "day", "2017-07", "--absent", "ab").exit_code == ExitCode.USAGE
    alone = cli("coaching", "day", "2017-07", "--absent", member, "--json")
    assert alone.exit_code == 0, alone.output
    assert json.loads(alone.stdout)["absent"] == [member]
    assert json.loads(alone.stdout)["answers"] == []
    timeline = json.loads(cli("timeline", member, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


def test_a_referral_without_a_session_is_in_the_month_on_staff_calendar(cli: Cli) -> None:
    """Referred at 00:30 on 1 November in Paris (still October in UTC): session 2026-11."""
    typed = (
        *("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "work"),
        *("--first-name", "Dorothée", "--last-name", "Quillfeather", "--birth-date", "1991-01-01"),
        *("--on", "2026-11-01 00:30", "--json"),
    )
    referred = cli(*typed, PARCOURS_TIMEZONE="Europe/Paris")
    assert referred.exit_code == 0, referred.output
    pathway_id = json.loads(referred.stdout)["pathway_id"]
    (first, *_) = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert first["details"]["session"] == "2026-11"


def test_a_referral_without_a_session_keeps_the_rules_of_its_months_session(cli: Cli) -> None:
    """Before: left without --session, a referral joined the session named after its month
    with none of its rules, so a partner that does not refer into it, or one more person
    than it holds, got in by leaving the option out."""
    add_referrer(cli)
    add_referrer(cli, "SOS femmes")
    open_session(cli, "2017-05", "--referrer", AMICALE, "--capacity", "1")
    typed = (
        *("refer", "--programme", "nouveau-depart", "--reason", "work", "--on", "2017-05-10"),
        *("--first-name", "Chloé", "--last-name", "Quillfeather", "--birth-date", "1991-01-01"),
    )
    other = cli(*typed, "--referrer", "SOS femmes")
    assert other.exit_code == ExitCode.REFUSED, other.output
    assert other.stderr.startswith("Refused: SOS femmes")
    refer_into(cli, "Ada", "--on", "2017-05-11")  # the Amicale du Nid, into 2017-05
    when_projected(cli, "2017-05", {"referred": 1})
    full = cli(*typed, "--referrer", AMICALE)
    assert full.exit_code == ExitCode.REFUSED, full.output
    assert "session_full" in full.stderr
    assert "name another with --session" in full.stderr  # not "refer without --session"
    assert "without --session joins the session named after its month" in full.stderr
    assert (
        "sessions of nouveau-depart that take this referrer and have room: none" in full.stderr
    )  # the full one is no choice
    elsewhere = cli(*typed[:6], "2017-06-10", *typed[7:], "--referrer", "SOS femmes")
    assert elsewhere.exit_code == 0, elsewhere.output  # no session 2017-06: its month alone


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_months_session_nobody_opened_is_listed_shown_and_run(cli: Cli, lang: str) -> None:
    """People referred without --session stand under their month: `show` and `report` name
    that session, and now `session list|show` and `coaching day` know it too (before: not
    found), while closing it is refused as it was never opened."""
    add_referrer(cli)
    ada = refer_into(cli, "Ada", "--on", "2017-06-10")
    act(cli, "intake", "complete", ada, *ND_CRITERIA, "--on", "2017-06-12")
    when_projected(cli, "2017-06", {"barrier_work": 1})

    listed = json.loads(cli("session", "list", "--json").stdout)
    (june,) = [s for s in listed if s["name"] == "2017-06"]
    assert (june["status"], june["people"], june["capacity"]) == ("unopened", 1, None)
    shown = cli("--lang", lang, "session", "show", "2017-06")
    assert shown.exit_code == 0, shown.output
    words = {"en": "never opened", "fr": "jamais ouverte"}
    assert words[lang] in shown.stdout
    day = cli("--lang", lang, "coaching", "day", "2017-06", "--on", "2017-06-20")
    assert day.exit_code == 0, day.output
    assert ada[8:16] in day.stdout
    closing = as_coordinator(cli, "--lang", lang, "session", "close", "2017-06")
    assert closing.exit_code == ExitCode.REFUSED, closing.output
    assert "session_not_opened" in closing.stderr
    refer_into(cli, "Berthe", "--on", "2017-06-11")
    when_projected(cli, "2017-06", {"referred": 1, "coaching": 1})
    typed = ("session", "open", "2017-06", "--programme", "nouveau-depart", "--start", "2017-06-01")
    below = as_coordinator(cli, "--lang", lang, *typed, "--capacity", "1")
    assert below.exit_code == ExitCode.REFUSED, below.output  # 2 people there already
    assert "session_capacity_below" in below.stderr
    opened = as_coordinator(cli, *typed, "--capacity", "2")
    assert opened.exit_code == 0, opened.output
    twice = as_coordinator(cli, *typed, "--capacity", "1")  # opened now: it exists, said so
    assert "session_exists" in twice.stderr, twice.output
