"""Keyed fingerprints that recognise a person already referred, without storing who.

HMAC-SHA256 of the normalised last name, first name and birth date, under a key derived
from each key of the keyring: the current key makes new fingerprints, older keys still
recognise people referred before a rotation. Without the keys a fingerprint says nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from parcours.adapters.temporal.keys import Keyring

_PURPOSE = b"parcours referral fingerprint v1"


def normalise(value: str) -> str:
    """Case, accents, hyphens and spacing do not make another person."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().replace("-", " ").replace("'", " ").split())


def fingerprints(
    keyring: Keyring, programme: str, last_name: str, first_name: str, birth_date: str
) -> list[str]:
    """One fingerprint per key, the current key's first."""
    identity = "\x1f".join(
        (programme, normalise(last_name), normalise(first_name), birth_date.strip())
    ).encode()
    found = []
    for key in keyring.keys:
        derived = hmac.new(key.secret, _PURPOSE, hashlib.sha256).digest()
        found.append(hmac.new(derived, identity, hashlib.sha256).hexdigest())
    return found
