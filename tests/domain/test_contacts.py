"""A person's or a partner's email address and phone number, checked offline as typed."""

from __future__ import annotations

import pytest

from parcours.domain.contacts import is_email_address, is_phone_number


@pytest.mark.parametrize(
    ("number", "is_one"),
    [
        ("+33 6 12 34 56 78", True),
        ("06.12.34.56.78", True),
        ("01-23-45-67-89", True),
        ("+33 (0)1 23 45 67 89", True),
        ("(+33) 6 12 34 56 78", True),
        ("0033 6 12 34 56 78", True),
        ("06\u00a012\u00a034\u00a056\u00a078", True),  # pasted with no-break spaces
        ("06 12 34 56 78 / 01 23 45 67 89", False),  # one number a field: 20 digits
        ("3949", False),  # a 4-digit service number is not a person's
        ("06 12 34 56 78 après 18h", False),  # notes go in the availability
        ("12+34 56 78 90", False),  # a + only before the country code
        ("+1 234 567 890 123 456", False),  # 16 digits: more than E.164 allows
        ("", False),
    ],
)
def test_a_phone_number_is_digits_and_separators(number: str, is_one: bool) -> None:
    assert is_phone_number(number) is is_one


@pytest.mark.parametrize(
    ("address", "is_one"),
    [
        ("ada@orange.fr", True),
        ("orientation@ccas-cergy.fr", True),
        ("ada.orange.fr", False),
        ("ada@", False),
        ("ada@box.local", False),  # a special-use domain reaches nobody
    ],
)
def test_an_email_address_is_checked_without_the_network(address: str, is_one: bool) -> None:
    assert is_email_address(address) is is_one
