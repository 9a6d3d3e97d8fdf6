"""How a person or a partner is reached: an email address, a phone number, as typed.

Checked before a referral is sent (`inputs.check_referral_texts`, for `refer` and the
import alike) and before a partner is added (`app.partners`): a partner's mail would go
nowhere, and a referrer or an agency told of the person would be given a number nobody
answers. Offline: no DNS lookup, so nothing waits on the network.
"""

from __future__ import annotations

import re

PHONE_CHARACTERS = re.compile(r"\(?\+?[0-9 .\-()/]+")
"""Digits and the separators people write between them; a `+` only first (`(+33)` too)."""

WIDE_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
"""The no-break and thin spaces a number pasted from a document or a web page holds."""

PHONE_DIGITS = range(6, 16)
"""A short local number has 6 digits, an international one at most 15 (E.164)."""


def is_email_address(address: str) -> bool:
    """Whether `address` is a deliverable-looking email address, checked offline.

    `check_deliverability=False`: no DNS lookup, so adding a partner never waits on the
    network nor depends on it; special-use domains (`.local`, `.test`…) are refused.
    """
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415 - 16 ms, when asked

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_phone_number(number: str) -> bool:
    """Digits and separators only (`+33 6 12 34 56 78`, `01.23.45.67.89`), 6 to 15 digits."""
    typed = number.translate(WIDE_SPACES).strip()
    digits = sum(c.isdigit() for c in typed)
    return bool(PHONE_CHARACTERS.fullmatch(typed)) and digits in PHONE_DIGITS
