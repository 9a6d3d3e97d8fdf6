"""Each person's key as the read model keeps it, on SQLite and PostgreSQL: stored wrapped,
found by id and by pathway, destroyed for one pathway without touching another; what was
sealed under a destroyed key opens as `[erased]`, and a blank reason is never sealed."""

from __future__ import annotations

from parcours.activities.person_keys import PersonSealer, sealed_participant
from parcours.adapters.readmodel import open_store
from parcours.adapters.temporal.keys import Keyring
from parcours.adapters.temporal.sealing import ERASED, SEALED, open_text, seal
from parcours.domain.records import RequestMeta
from tests.support import STAFF, participant

KEYRING = Keyring.generate()


def test_a_person_key_is_stored_wrapped_and_destroyed_alone(db_url: str) -> None:
    with open_store(db_url) as store:
        sealer = PersonSealer(lambda: store, KEYRING)
        hers, his = sealer.new_key("pathway-0001"), sealer.new_key("pathway-0002")
        assert hers.secret not in hers.wrapped
        her = sealed_participant(participant("Zephyrine", "Quillfeather"), hers)
        him = sealed_participant(participant("Ottoline", "Brackenridge"), his)
        assert SEALED.fullmatch(her.last_name)
        assert "Quillfeather" not in repr(her)
        assert sealer.open([her, him])[0].last_name == "Quillfeather"
        why = sealer.seal_reason("pathway-0001", RequestMeta("r1", STAFF, "her sister helps"))
        assert SEALED.fullmatch(why.reason)

        assert sealer.destroy("pathway-0001") == 1
        opened_her, opened_him = sealer.open([her, him])
        assert (opened_her.first_name, opened_her.birth_date) == (ERASED, ERASED)
        assert sealer.open(why).reason == ERASED
        assert opened_him.last_name == "Brackenridge"  # another person is untouched
        assert store.keys_of_pathway("pathway-0001") == []
        assert sealer.destroy("pathway-0001") == 0
        assert sealer.key_of("pathway-0001") is None


def test_blank_texts_stay_blank_and_clear_texts_pass() -> None:
    with_key = PersonSealer(lambda: None, KEYRING)  # type: ignore[arg-type,return-value]
    assert with_key.open("nothing sealed here") == "nothing sealed here"
    from parcours.adapters.temporal.sealing import new_person_key

    key = new_person_key(KEYRING)
    assert seal(key, "  ") == "  "  # a reason still blank for the rules that ask one
    both = f"{seal(key, 'cooking')}, {seal(key, 'driving')}"  # skills joined
    assert open_text(both, {key.key_id: key.secret}) == "cooking, driving"
    assert open_text(both, {}) == f"{ERASED}, {ERASED}"
