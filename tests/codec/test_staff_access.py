"""The staff check behind the codec server (`app/staff_access.py`): a codec pass proves a
staff id and a role until it expires, under this service's secret only, whether it comes
as a bearer token or as the sign-in page's cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parcours.app.staff_access import (
    COOKIE,
    AccessRefused,
    PassCheck,
    issue_pass,
    pass_expiry,
    read_pass,
)
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from tests.support import T0

SECRET, OTHER = bytes(range(32)), bytes(range(1, 33))
STAFF = Actor("staff-7f3a", Role.STAFF)


def refused(reason: str, secret: bytes, token: str) -> None:
    with pytest.raises(AccessRefused) as caught:
        read_pass(secret, token, T0)
    assert caught.value.reason == reason


def test_a_pass_says_who_in_which_role_until_when() -> None:
    token = issue_pass(SECRET, STAFF, pass_expiry(T0, 12))
    found = read_pass(SECRET, token, T0 + timedelta(hours=11, minutes=59))
    assert (found.actor, found.expires) == (STAFF, T0 + timedelta(hours=12))
    assert "staff-7f3a" not in token.split(".")[2]  # the signature, not the body
    with pytest.raises(AccessRefused) as late:
        read_pass(SECRET, token, T0 + timedelta(hours=12))
    assert late.value.reason == "expired"


def test_a_pass_from_another_secret_or_altered_is_forged() -> None:
    token = issue_pass(SECRET, STAFF, pass_expiry(T0))
    refused("forged", OTHER, token)
    prefix, body, signature = token.split(".")
    coordinator = issue_pass(SECRET, Actor("staff-7f3a", Role.COORDINATOR), pass_expiry(T0))
    refused("forged", SECRET, f"{prefix}.{coordinator.split('.')[1]}.{signature}")
    refused("forged", SECRET, f"{prefix}.{body}.{signature[:-2]}AA")


@pytest.mark.parametrize(
    "token",
    ["", "Bearer", "pcp1", "pcp1..", "pcp2.e30.AAAA", "pcp1.e30.%%%", "pcp1.e30.A", "x.y.z"],
)
def test_what_is_not_a_pass_is_malformed(token: str) -> None:
    refused("malformed", SECRET, token)


def test_the_system_role_is_never_a_person() -> None:
    with pytest.raises(AccessRefused) as caught:
        issue_pass(SECRET, Actor("parcours", Role.SYSTEM), pass_expiry(T0))
    assert caught.value.reason == "role"


def test_the_check_reads_the_bearer_token_or_the_cookie() -> None:
    token = issue_pass(SECRET, STAFF, pass_expiry(T0))
    check = PassCheck(SECRET, clock=lambda: T0)
    assert check({"Authorization": f"Bearer {token}"}) == STAFF
    assert check({"authorization": f"bearer {token}"}) == STAFF
    assert check({"Cookie": f"theme=dark; {COOKIE}={token}"}) == STAFF
    for headers, reason in (
        ({}, "missing"),
        ({"Cookie": "theme=dark"}, "missing"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, "missing"),
        ({"Authorization": "Bearer nonsense"}, "malformed"),
        ({"Cookie": f"{COOKIE}={token[:-3]}"}, "forged"),
    ):
        with pytest.raises(AccessRefused) as caught:
            check(headers)
        assert caught.value.reason == reason, headers
