"""`parcours refer --returning` on a real server: a person who exited comes back, in
English and French; a plain second referral says what to do instead; the exit of the
earlier pathway can no longer be voided."""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import PERSON, Cli, as_coordinator, refer
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

REFER = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "back", *PERSON)
CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")


def ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def refused_saying(cli: Cli, hint: str, *args: str) -> str:
    """The refusal of `args` once it gives `hint`: the pathway lists at its new stage a
    moment after its move, and until then the refusal is the general one."""
    said = eventually_blocking(
        lambda: cli(*args),
        lambda r: r.exit_code == ExitCode.REFUSED and hint in r.stderr,
        what=f"a referral refused saying {hint}",
    )
    return said.stderr


def test_a_person_who_exited_is_referred_again(cli: Cli) -> None:
    earlier = refer(cli, "--on", "2026-01-02")
    ok(cli, "exit", earlier, "moved_away", "--reason", "moved to Lyon", "--on", "2026-02-01")
    plain = refused_saying(cli, "--returning", *REFER)
    assert earlier in plain
    assert "refer them again with `--returning`" in plain
    french = cli("--lang", "fr", *REFER)
    assert "orientez-la de nouveau avec `--returning`" in french.stderr

    said = ok(cli, *REFER, "--returning", "--on", "2026-06-01")
    assert "Referred: pathway" in said
    assert f"Referred again: their earlier pathway {earlier}" in said
    assert "its exit can no longer be voided" in said
    timeline = ok(cli, "timeline", earlier)
    assert "Referred again (a new pathway)" in timeline
    shown = ok(cli, "show", earlier)
    assert "Referred again (a new pathway)" in shown
    assert "2026-06-01" in shown
    assert json.loads(ok(cli, "show", earlier, "--json"))["status"]["referred_again_at"]
    events = json.loads(ok(cli, "timeline", earlier, "--json"))
    exit_seq = next(e["seq"] for e in events if e["kind"] == "exited")
    void = cli("correct", earlier, str(exit_seq), "--reason", "typed on the wrong file")
    assert void.exit_code == ExitCode.REFUSED
    assert "can no longer be voided: the person was referred again on" in void.stderr
    voided_fr = cli("--lang", "fr", "correct", earlier, str(exit_seq), "--reason", "erreur")
    assert "ne peut plus être annulé" in voided_fr.stderr

    back = said.split("pathway ", 1)[1].split(" ", 1)[0]
    the_new_pathway_names_the_earlier_one(cli, back, earlier)
    third = cli(*REFER, "--returning")
    assert third.exit_code == ExitCode.REFUSED
    assert "still running" in third.stderr  # the new pathway holds the person now

    # An erasure of the earlier pathway names the person's new one, whose record stays.
    erased = as_coordinator(cli, "erase", earlier, "--reason", "GDPR art. 17", "--yes")
    assert erased.exit_code == 0, erased.output
    said = " ".join(erased.stdout.split())
    assert f"open for its follow-up or its retention: {back}" in said
    assert "still running" in cli(*REFER).stderr  # the new one still holds the person


def the_new_pathway_names_the_earlier_one(cli: Cli, back: str, earlier: str) -> None:
    """In `show` (and its JSON), and in its referral in the timeline (and its JSON)."""
    follows = ok(cli, "show", back)
    assert "Follows (the person's earlier pathway)" in follows
    assert earlier in follows
    assert json.loads(ok(cli, "show", back, "--json"))["status"]["earlier_pathway_id"] == earlier
    assert f"Referred, back after pathway {earlier[8:16]}" in ok(cli, "timeline", back)
    referred = json.loads(ok(cli, "timeline", back, "--json"))[0]
    assert referred["details"]["earlier_pathway_id"] == earlier


def test_returning_in_french_and_as_json(cli: Cli) -> None:
    earlier = refer(cli, "--on", "2026-01-02")
    ok(cli, "exit", earlier, "employment", "--reason", "hired", "--on", "2026-03-01")
    refused_saying(cli, "--returning", *REFER)
    french = ok(cli, "--lang", "fr", *REFER, "--returning", "--on", "2026-09-01", "--json")
    back = json.loads(french)["pathway_id"]
    assert json.loads(french)["earlier_pathway_id"] == earlier
    french = ok(cli, "--lang", "fr", "show", earlier)
    assert "Nouvelle orientation (nouveau parcours)" in french
    follows = ok(cli, "--lang", "fr", "show", back)
    assert "Fait suite au parcours précédent" in follows
    assert earlier in follows
    assert "de retour après le parcours" in ok(cli, "--lang", "fr", "timeline", back)
    misspelt = cli(*REFER[:-6], *NEWCOMER, "--returning")
    assert misspelt.exit_code == ExitCode.NOT_FOUND
    assert "nothing was created" in misspelt.stderr
    french_too = cli("--lang", "fr", *REFER[:-6], *NEWCOMER, "--returning", "--json")
    assert "retirez --returning" in french_too.stderr
    assert french_too.stdout == ""
    newcomer = json.loads(ok(cli, *REFER[:-6], *NEWCOMER, "--json"))  # without --returning
    assert "earlier_pathway_id" not in newcomer


def test_a_person_who_dropped_out_is_told_to_re_enter(cli: Cli) -> None:
    pid = refer(cli, "--on", "2026-01-02")
    ok(cli, "intake", "complete", pid, *CRITERIA, "--on", "2026-01-03")
    ok(cli, "dropout", pid, "--reason", "no news", "--on", "2026-01-20")
    said = refused_saying(cli, "reenter", *REFER)
    assert f"`parcours reenter {pid} --session S --reason …`" in said
    assert cli(*REFER, "--returning").exit_code == ExitCode.REFUSED


def came_back_twice(cli: Cli) -> tuple[str, str, str]:
    """A person referred, exited, back, exited again, back again: their three pathways,
    oldest first, each but the first naming the one before."""
    first = refer(cli, "--on", "2026-01-02")
    ok(cli, "exit", first, "moved_away", "--reason", "moved", "--on", "2026-02-01")
    refused_saying(cli, "--returning", *REFER)
    second = json.loads(ok(cli, *REFER, "--returning", "--on", "2026-04-01", "--json"))
    ok(cli, "exit", second["pathway_id"], "health", "--reason", "care", "--on", "2026-05-01")
    refused_saying(cli, "--returning", *REFER)
    third = json.loads(ok(cli, *REFER, "--returning", "--on", "2026-07-01", "--json"))
    assert third["earlier_pathway_id"] == second["pathway_id"]
    return first, second["pathway_id"], third["pathway_id"]


def test_erasing_names_every_running_pathway_of_a_person_who_came_back_twice(cli: Cli) -> None:
    """The reservation knows the pathway it holds and the one before; the first pathway of
    a person who came back twice is found through the link each return carries."""
    first, second, third = came_back_twice(cli)
    erased = as_coordinator(cli, "erase", third, "--reason", "art. 17", "--yes")
    assert erased.exit_code == 0, erased.output
    said = " ".join(erased.stdout.split())
    for other in (first, second):
        assert f"open for its follow-up or its retention: {other}" in said
    # The reservation went to the latest pathway left: the person is still held by it.
    again = json.loads(ok(cli, *REFER, "--returning", "--on", "2026-08-01", "--json"))
    assert again["earlier_pathway_id"] == second
    oldest = as_coordinator(cli, "erase", first, "--reason", "art. 17", "--yes")
    assert oldest.exit_code == 0, oldest.output
    named = " ".join(oldest.stdout.split())
    for other in (second, again["pathway_id"]):
        assert f"open for its follow-up or its retention: {other}" in named


def test_an_erased_pathway_between_two_others_still_links_them(cli: Cli) -> None:
    """A ← B ← C, B erased first, then C: the link runs through the erased B, so erasing
    C still names A, which keeps the person held (a plain referral is refused naming it,
    a return follows it)."""
    first, middle, last = came_back_twice(cli)
    for pathway_id in (middle, last):
        erased = as_coordinator(cli, "erase", pathway_id, "--reason", "art. 17", "--yes")
        assert erased.exit_code == 0, erased.output
        said = " ".join(erased.stdout.split())
        assert f"follow-up or its retention: {first}" in said, pathway_id
    plain = cli(*REFER)
    assert plain.exit_code == ExitCode.REFUSED
    assert first in plain.stderr
    back = json.loads(ok(cli, *REFER, "--returning", "--on", "2026-06-01", "--json"))
    assert back["earlier_pathway_id"] == first


NEWCOMER = ("--first-name", "Maelys", "--last-name", "Dufresne", "--birth-date", "1988-07-14")
