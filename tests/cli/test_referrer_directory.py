"""A referrer missing from the partner directory: the referral is made, with a warning.

The look-up runs beside the referral (`app.referrers`). A read model that is down or does
not answer stops the referral itself, in one sentence: each person's own key is stored
there before their identity is sent.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import PERSON, Cli, as_coordinator

pytestmark = [pytest.mark.temporal]

UNLISTED = "Amicale du Nid"


def refer_by(cli: Cli, referrer: str, *extra: str, **env: str) -> tuple[str, str]:
    """Refer PERSON by `referrer`; stdout's pathway id and stderr."""
    base = ("refer", "--programme", "atp-cergy", "--referrer", referrer, "--reason", "work")
    result = cli(*extra, *base, *PERSON, "--json", **env)
    assert result.exit_code == 0, result.output
    pathway_id: str = json.loads(result.stdout)["pathway_id"]
    return pathway_id, result.stderr


def cli_log(tmp_path: Path) -> str:
    return (tmp_path / "logs" / "parcours-cli.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "en",
            f"Warning: {UNLISTED} is not an active referrer in the partner directory, so it "
            "cannot be told of this pathway: each message owed to it (once the person consents "
            "to it hearing of the pathway) will fail and raise an alert "
            "until a coordinator adds it with parcours partners "
            f'add "{UNLISTED}" --kind referrer --channel email --address ADDRESS (then parcours '
            "notifications --failed lists those messages and parcours notifications retry KEY "
            "--reason … sends each again).\n",
        ),
        (
            "fr",
            f"Attention : {UNLISTED} n'est pas un prescripteur actif de l'annuaire des "
            "partenaires, il ne peut donc pas être informé de ce parcours : chaque message qui "
            "lui sera dû (dès que la personne consentira à ce qu'il en soit informé) échouera "
            "et déclenchera une alerte tant qu'un coordinateur ne "
            "l'aura pas "
            f'ajouté avec parcours partners add "{UNLISTED}" --kind referrer --channel '
            "email --address ADRESSE (ensuite parcours notifications --failed liste ces "
            "messages et parcours notifications retry CLÉ --reason … renvoie chacun).\n",
        ),
    ],
    ids=["en", "fr"],
)
def test_an_unlisted_referrer_is_accepted_with_a_warning(
    cli: Cli, lang: str, sentence: str
) -> None:
    """Before: accepted without a word, and every message to the referrer failed later."""
    pathway_id, warning = refer_by(cli, UNLISTED, "--lang", lang)
    assert warning == sentence
    shown = cli("show", pathway_id, "--json")
    assert shown.exit_code == 0, shown.output


def test_a_listed_referrer_is_not_warned_about(cli: Cli) -> None:
    added = as_coordinator(
        cli,
        "partners",
        "add",
        "CCAS",
        "--kind",
        "referrer",
        "--channel",
        "email",
        "--address",
        "ccas@example.org",
    )
    assert added.exit_code == 0, added.output
    _, warning = refer_by(cli, "CCAS")
    assert warning == ""


def test_an_inactive_or_other_kind_of_partner_is_not_a_listed_referrer(cli: Cli) -> None:
    file_partner = ("--channel", "file", "--address", "/tmp/outbox")
    for name, kind, *extra in (("CCAS", "referrer", "--inactive"), ("Adecco", "temp_agency")):
        added = as_coordinator(cli, "partners", "add", name, "--kind", kind, *file_partner, *extra)
        assert added.exit_code == 0, added.output
    assert "CCAS is not an active referrer" in refer_by(cli, "CCAS")[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never answers: a read model that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_a_read_model_that_is_down_or_hangs_sends_nothing(
    cli: Cli, silent_port: int, tmp_path: Path
) -> None:
    """Each person's own key is stored in the read model before the identity is sent
    (erasure), so a referral needs it: down or hanging, one sentence, exit 5, no pathway."""
    down = "postgresql+psycopg://postgres@127.0.0.1:1/x"
    hanging = f"postgresql+psycopg://postgres@127.0.0.1:{silent_port}/x"
    base = ("refer", "--programme", "atp-cergy", "--referrer", UNLISTED, "--reason", "work")
    for url in (down, hanging):
        result = cli(*base, *PERSON, PARCOURS_READMODEL_URL=url)
        assert result.exit_code == ExitCode.UNAVAILABLE, result.output
        assert result.stderr.startswith("Nothing is shown or sent: each person's own key"), url
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""
    listed = cli("list", "--json")
    assert json.loads(listed.stdout) == []
