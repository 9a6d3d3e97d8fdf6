"""The partner directory: who is told, and how to reach them."""

from __future__ import annotations

import pytest

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, Store
from parcours.domain.vocabulary import PartnerKind

NID = Partner("Amicale du Nid", PartnerKind.REFERRER, ChannelKind.EMAIL, "orientation@nid.example")
ADECCO = Partner(
    "Adecco Marseille",
    PartnerKind.TEMP_AGENCY,
    ChannelKind.WEBHOOK,
    "https://hooks.adecco.example/parcours",
    secret="s3cret-shared",
)
RANDSTAD = Partner(
    "Randstad", PartnerKind.TEMP_AGENCY, ChannelKind.FILE, "/srv/drop/randstad", active=False
)


def test_partners_are_added_listed_and_found(store: Store) -> None:
    for p in (NID, ADECCO, RANDSTAD):
        store.add_partner(p)

    assert store.get_partner("Adecco Marseille") == ADECCO
    assert store.get_partner("nobody") is None
    assert store.list_partners() == [NID, ADECCO, RANDSTAD]
    assert store.list_partners(active_only=True) == [NID, ADECCO]


def test_partners_of_a_kind_are_the_active_ones(store: Store) -> None:
    for p in (NID, ADECCO, RANDSTAD):
        store.add_partner(p)

    assert store.partners_of_kind(PartnerKind.TEMP_AGENCY) == [ADECCO]
    assert store.partners_of_kind(PartnerKind.EVALUATOR) == []


def test_adding_a_partner_again_replaces_it(store: Store) -> None:
    store.add_partner(RANDSTAD)
    moved = Partner(
        "Randstad", PartnerKind.TEMP_AGENCY, ChannelKind.EMAIL, "parcours@randstad.example"
    )

    store.add_partner(moved)

    assert store.list_partners() == [moved]


def test_a_partner_needs_a_name_and_an_address(store: Store) -> None:
    with pytest.raises(ValueError, match="name and an address"):
        store.add_partner(Partner("", PartnerKind.EMPLOYER, ChannelKind.EMAIL, "a@b.example"))
    assert store.list_partners() == []


def test_the_secret_is_stored_as_given_and_never_shown(store: Store) -> None:
    store.add_partner(ADECCO)

    found = store.get_partner(ADECCO.name)
    assert found is not None
    assert found.secret == "s3cret-shared"
    assert "s3cret" not in repr(found)
