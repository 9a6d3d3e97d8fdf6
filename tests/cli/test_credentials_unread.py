"""A worker that cannot read the staff credentials to check who sent a request (its read
model locked or down) refuses it for now: the CLI says so as an outage, exit 5, to be
run again in a moment. An outage trial was told "Refused … [rule signed_actor]", exit 3,
which a script reads as a rule's final answer, beside exit 5 for the same outage on the
next command."""

from __future__ import annotations

import pytest

from parcours.app.errors import RequestRefused
from parcours.cli.errors import translate
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.domain.errors import DomainError
from tests.cli.actor_refusals import SIGNED_ACTOR_REFUSALS

DOWN = dict(SIGNED_ACTOR_REFUSALS)["credentials_unavailable"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Nothing was recorded: the worker cannot read the staff credentials now"),
        ("fr", "Rien n'a été enregistré : le worker ne peut pas, pour l'instant, lire"),
    ],
)
def test_credentials_that_cannot_be_read_are_an_outage(lang: str, said: str) -> None:
    with pytest.raises(DomainError) as caught:
        DOWN()
    answered = translate(RequestRefused.of(caught.value), Text(lang))
    assert answered.code == ExitCode.UNAVAILABLE
    assert answered.message.startswith(said), answered.message
    assert "signed_actor" not in answered.message


def test_the_other_signed_actor_refusals_stay_refusals() -> None:
    for code, refuse in SIGNED_ACTOR_REFUSALS:
        if code == "credentials_unavailable":
            continue
        with pytest.raises(DomainError) as caught:
            refuse()
        answered = translate(RequestRefused.of(caught.value), Text("en")).code
        assert answered in (ExitCode.REFUSED, ExitCode.NOT_FOUND), code  # a referent unknown
