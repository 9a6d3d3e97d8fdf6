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
    """Letters and digits alone, without case or accents: a space, a hyphen of any kind
    (- ‐ – —), an apostrophe of any kind (' ’) or a dot does not make another person:
    "Le Fèvre" is "Lefèvre", "N’Diaye" is "N'Diaye"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed.casefold() if c.isalnum())


def normalise_v1(value: str) -> str:
    """The form fingerprints were made of before 5 December 2026: case, accents, ASCII
    hyphens and apostrophes and spacing did not make another person, but a space left out
    or an en dash did. Still computed, to recognise the people referred then."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().replace("-", " ").replace("'", " ").split())


def fingerprints(
    keyring: Keyring, programme: str, last_name: str, first_name: str, birth_date: str
) -> list[str]:
    """One fingerprint per key and form, the current key's of the current form first (the
    one a referral reserves), each once: a name whose two forms agree (most) has one per
    key, as before; an older form's, like an older key's, still recognises a person."""
    found: list[str] = []
    for form in (normalise, normalise_v1):
        identity = "\x1f".join(
            (programme, form(last_name), form(first_name), birth_date.strip())
        ).encode()
        for key in keyring.keys:
            derived = hmac.new(key.secret, _PURPOSE, hashlib.sha256).digest()
            mark = hmac.new(derived, identity, hashlib.sha256).hexdigest()
            if mark not in found:
                found.append(mark)
    return found
