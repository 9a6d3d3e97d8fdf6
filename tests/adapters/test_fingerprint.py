"""A person's fingerprint does not change with how their name is typed: case, accents,
a space left out, a hyphen or an apostrophe of any kind. Those of the form made before
(a space left out or an en dash made another person) are still computed, so the people
referred then are recognised, as an older key's are."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pytest

from parcours.adapters.temporal.fingerprint import _PURPOSE, fingerprints, normalise
from tests.servers import TEST_KEYRING

BORN = "1990-04-02"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Le Fèvre", "Lefèvre"),
        ("N’Diaye", "N'Diaye"),
        ("Jean–Pierre", "Jean-Pierre"),
        ("Jean Pierre", "jean-pierre"),
        ("  ZOÉ ", "Zoe"),
        ("O.Brien", "OBrien"),
    ],
)
def test_these_spellings_are_one_person(one: str, other: str) -> None:
    assert normalise(one) == normalise(other)
    assert (
        fingerprints(TEST_KEYRING, "atp-cergy", one, "Ada", BORN)[0]
        == fingerprints(TEST_KEYRING, "atp-cergy", other, "Ada", BORN)[0]
    )


def test_other_names_are_other_people() -> None:
    assert normalise("Martin") != normalise("Martine")
    assert normalise("Dupont") != normalise("Dupond")


def v1_mark(last: str, first: str) -> str:
    """The current key's fingerprint as it was made before 5 December 2026, written out
    here rather than taken from the module."""

    def form(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value)
        letters = "".join(c for c in decomposed if not unicodedata.combining(c))
        return " ".join(letters.casefold().replace("-", " ").replace("'", " ").split())

    identity = "\x1f".join(("atp-cergy", form(last), form(first), BORN)).encode()
    derived = hmac.new(TEST_KEYRING.current.secret, _PURPOSE, hashlib.sha256).digest()
    return hmac.new(derived, identity, hashlib.sha256).hexdigest()


def test_the_earlier_form_still_recognises_the_people_referred_with_it() -> None:
    keys = len(TEST_KEYRING.keys)
    plain = fingerprints(TEST_KEYRING, "atp-cergy", "Martin", "Ada", BORN)
    assert plain[0] == v1_mark("Martin", "Ada")  # both forms agree: nothing changes
    assert len(plain) == keys
    spaced = fingerprints(TEST_KEYRING, "atp-cergy", "Le Fèvre", "Ada", BORN)
    assert len(spaced) == 2 * keys
    assert spaced[0] != v1_mark("Le Fèvre", "Ada")  # the current form reserves
    assert v1_mark("Le Fèvre", "Ada") in spaced[1:]  # the earlier one still recognises
