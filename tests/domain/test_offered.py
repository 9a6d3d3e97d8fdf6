"""What the CLI offers a role: only the triggers that role may fire, in the machine's order."""

from __future__ import annotations

from parcours.domain.permissions import PERMISSIONS, permitted
from parcours.domain.vocabulary import Role

EVERYTHING = ("sign_contract", "assign_referent", "record_notification_failure", "record_contact")


def test_staff_are_not_offered_what_only_parcours_or_a_coordinator_does() -> None:
    assert permitted(Role.STAFF, EVERYTHING) == ("sign_contract", "record_contact")
    assert permitted(Role.COORDINATOR, EVERYTHING) == (
        "sign_contract",
        "assign_referent",
        "record_contact",
    )
    assert permitted(Role.AUDITOR, EVERYTHING) == ()
    assert permitted(Role.SYSTEM, EVERYTHING) == ("record_notification_failure",)


def test_every_offer_is_permitted() -> None:
    for role, allowed in PERMISSIONS.items():
        assert set(permitted(role, EVERYTHING)) <= allowed


def test_only_coordinators_oversee_the_programme() -> None:
    from parcours.domain.permissions import may_oversee

    assert [r for r in Role if may_oversee(r)] == [Role.COORDINATOR]
