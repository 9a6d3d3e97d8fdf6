"""`parcours doctor reserve-again`: a person referred when names kept their spaces ("Le
Fèvre", reserved under the name's earlier form only) is recognised typed "Lefèvre" once
the coordinator has claimed each running pathway's reservation under the current form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, as_coordinator, refer
from tests.earlier_forms import referring_under_the_earlier_form
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

SPACED = ("--first-name", "Ottilie", "--last-name", "Le Fèvre")
JOINED = ("--first-name", "Ottilie", "--last-name", "Lefèvre")


def referred_before_the_change(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> str:
    """A referral as parcours made it before 5 December 2026: reserved under the earlier
    form of the name (a space kept), which "Lefèvre" typed today does not meet."""
    with referring_under_the_earlier_form(monkeypatch):
        pathway_id = refer(cli, *SPACED)

    def listed() -> list[str]:
        return [p["pathway_id"] for p in json.loads(cli("list", "--json").stdout)]

    eventually_blocking(listed, lambda ids: pathway_id in ids, what="the pathway is listed")
    return pathway_id


def refused_as_held_by(cli: Cli, pathway_id: str) -> None:
    """ "Lefèvre" typed today is refused, naming the pathway that holds the person."""
    refused = cli("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason",
                  "precarious part-time work", *JOINED, "--birth-date", "1990-04-02")  # fmt: skip
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    assert pathway_id[8:16] in refused.stderr


def counted(**found: int) -> dict[str, int]:
    """What `--json` counts: each outcome, zero unless given."""
    return {key: found.get(key, 0) for key in ("already", "claimed", "other", "skipped", "failed")}


def reserve_again(cli: Cli) -> dict[str, object]:
    done = as_coordinator(cli, "doctor", "reserve-again", "--json")
    assert done.exit_code == 0, done.output
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_a_person_reserved_under_the_earlier_form_is_recognised_once_reserved_again(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = referred_before_the_change(cli, monkeypatch)
    first = reserve_again(cli)
    assert first["counts"] == counted(claimed=1)
    refused_as_held_by(cli, before)
    again = reserve_again(cli)  # run twice: nothing more to claim
    assert again["counts"] == counted(already=1)
    reads = as_coordinator(cli, "audit", "reads", before, "--json")
    assert reads.exit_code == 0, reads.output
    assert "reserve_again" in {r["command"] for r in json.loads(reads.stdout)["reads"]}


def test_only_a_coordinator_reserves_again(cli: Cli) -> None:
    refused = cli("--lang", "fr", "doctor", "reserve-again")
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    assert refused.stderr.startswith("Seul un coordinateur peut réserver de nouveau")


def test_the_same_person_referred_twice_in_the_gap_is_listed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed "Lefèvre" before the coordinator reserved again: a second pathway started,
    which holds the current form. Nothing is taken from it; both are named, to look at."""
    spaced = referred_before_the_change(cli, monkeypatch)
    joined = refer(cli, *JOINED)  # the gap: not recognised, a second pathway
    found = reserve_again(cli)
    assert found["counts"] == counted(already=1, other=1)
    assert found["others"] == {spaced: joined}
    said = as_coordinator(cli, "--lang", "fr", "doctor", "reserve-again", COLUMNS="400")
    assert said.exit_code == 0, said.output
    assert spaced[8:16] in said.stdout
    assert joined[8:16] in said.stdout
    assert "détenues par un autre parcours, 1 ;" in " ".join(said.stdout.split())


def test_the_claims_are_signed_as_the_coordinator_s_requests(
    signed_cli: tuple[Cli, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the worker checks who sent each request, a claim carries the coordinator's
    signature, as a referral's does: accepted, and the person recognised after."""
    cli, _ = signed_cli
    before = referred_before_the_change(cli, monkeypatch)
    assert reserve_again(cli)["counts"] == counted(claimed=1)
    refused_as_held_by(cli, before)


def test_a_person_who_came_back_is_held_by_their_later_pathway_only(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exited, then referred again (`--returning`), both before the change: the later
    pathway holds the person. The earlier one, still running for its follow-up, is left,
    neither claimed nor said to be the same person twice."""
    earlier = referred_before_the_change(cli, monkeypatch)
    done = cli("exit", earlier, "employment", "--reason", "hired")
    assert done.exit_code == 0, done.output
    with referring_under_the_earlier_form(monkeypatch):
        later = refer(cli, *SPACED, "--returning")
    found = reserve_again(cli)
    assert found["counts"] == counted(claimed=1, skipped=1)
    refused_as_held_by(cli, later)


def test_a_reservation_whose_holder_ended_gives_way_as_it_does_to_a_referral(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Lefèvre" typed in the gap started a second pathway, which has ended since (here
    terminated, as a pathway closed by a coordinator is): the first one, still running,
    takes the reservation over, and is not said to be the person twice."""
    import asyncio

    from temporalio.client import Client

    spaced = referred_before_the_change(cli, monkeypatch)
    joined = refer(cli, *JOINED)

    async def end(pathway_id: str) -> None:
        client = await Client.connect(cli.env["PARCOURS_TEMPORAL_ADDRESS"])
        await client.get_workflow_handle(pathway_id).terminate("ended for the test")

    asyncio.run(end(joined))
    found = reserve_again(cli)
    assert found["counts"] == counted(claimed=1)
    refused_as_held_by(cli, spaced)
