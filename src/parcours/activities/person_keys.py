"""Sealing and opening what identifies a person, with that person's own key.

Joins the two halves: the keys' cryptography (`adapters.temporal.sealing`, under the
keyring) and their storage (the read model's `person_keys`). Used by the client that
refers (seals), by the reads that show identity and by the partner messages (open).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from parcours.adapters.readmodel import Store, StoredPersonKey, UnsupportedDatabase
from parcours.adapters.temporal.keys import Keyring
from parcours.adapters.temporal.sealing import (
    PersonKey,
    UnwrapError,
    key_ids_in,
    new_person_key,
    open_all,
    seal,
    unwrap,
)
from parcours.domain.records import RequestMeta
from parcours.workflows.messages import Participant

T = TypeVar("T")


class PersonKeysUnavailable(Exception):
    """The read model, which holds each person's key, cannot be reached: nothing sealed can
    be sent or opened (the cause's class name is the message)."""


class PersonSealer:
    """Seals a person's identity under a new key of theirs, and opens sealed values."""

    def __init__(
        self, store: Callable[[], Store], keyring: Keyring | Callable[[], Keyring]
    ) -> None:
        """`keyring` may be given as a function, called on first use (a worker that never
        opens a value needs no keys at hand)."""
        self._open_store, self._keys = store, keyring

    @contextmanager
    def _reaching(self) -> Iterator[Store]:
        """The store; any failure to reach it becomes `PersonKeysUnavailable`."""
        try:
            yield self._open_store()
        except (SQLAlchemyError, UnsupportedDatabase) as err:
            raise PersonKeysUnavailable(type(err).__name__) from err

    @property
    def _keyring(self) -> Keyring:
        if not isinstance(self._keys, Keyring):
            self._keys = self._keys()
        return self._keys

    def reachable(self) -> None:
        """Raise `PersonKeysUnavailable` unless the keys' store can be reached: asked before
        a referral claims anything, so that one that cannot seal claims nothing."""
        with self._reaching():
            pass

    def new_key(self, pathway_id: str) -> PersonKey:
        """A fresh key for the person of `pathway_id`, stored (wrapped) before it is used."""
        key = new_person_key(self._keyring)
        stored = StoredPersonKey(key.key_id, pathway_id, key.wrapped, key.wrapped_with)
        with self._reaching() as store:
            store.add_person_key(stored)
        return key

    def seal_referral(
        self, pathway_id: str, participant: Participant, meta: RequestMeta
    ) -> tuple[Participant, RequestMeta]:
        """A referral's person and the reason typed (which may name them), sealed under a
        new key of theirs, stored first: both are destroyed with it."""
        key = self.new_key(pathway_id)
        return sealed_participant(participant, key), _reason_sealed(meta, key)

    def key_of(self, pathway_id: str) -> PersonKey | None:
        """The key of the pathway's person; None for a pathway referred before identities
        were sealed (or once erased)."""
        with self._reaching() as store:
            found = store.keys_of_pathway(pathway_id)
        for stored in found:
            secret = self._unwrap(stored)
            if secret is not None:
                return PersonKey(stored.key_id, secret, stored.wrapped, stored.wrapped_with)
        return None

    def seal_reason(self, pathway_id: str, meta: RequestMeta) -> RequestMeta:
        """The request with its reason sealed under the person's key, when they have one."""
        key = self.key_of(pathway_id) if meta.reason.strip() else None
        return meta if key is None else _reason_sealed(meta, key)

    def open(self, value: T) -> T:
        """`value` with every sealed text opened, `[erased]` where the key is destroyed."""
        wanted = key_ids_in(value)
        if not wanted:
            return value
        with self._reaching() as store:
            stored = store.person_keys(wanted)
        secrets: dict[str, bytes | None] = {}
        for key_id in wanted:
            found = stored.get(key_id)
            secrets[key_id] = None if found is None else self._unwrap(found)
        return open_all(value, secrets)

    def _unwrap(self, stored: StoredPersonKey) -> bytes | None:
        try:
            return unwrap(self._keyring, stored.key_id, stored.wrapped, stored.wrapped_with)
        except UnwrapError:
            return None

    def destroy(self, pathway_id: str) -> int:
        """Destroy every key of the pathway's person: what they sealed is gone for good."""
        with self._reaching() as store:
            return store.destroy_person_keys(pathway_id)


def sealed_participant(participant: Participant, key: PersonKey) -> Participant:
    """The participant with every field that identifies them sealed under `key`."""
    return replace(
        participant,
        first_name=seal(key, participant.first_name),
        last_name=seal(key, participant.last_name),
        birth_date=seal(key, participant.birth_date),
        phone=seal(key, participant.phone),
        email=seal(key, participant.email),
        address=seal(key, participant.address),
        availability=seal(key, participant.availability),
        skills=[seal(key, s) for s in participant.skills],
        languages=[seal(key, s) for s in participant.languages],
        notes=seal(key, participant.notes),
    )


def _reason_sealed(meta: RequestMeta, key: PersonKey) -> RequestMeta:
    """The request with its reason sealed under `key`; a blank reason is left as it is."""
    return replace(meta, reason=seal(key, meta.reason)) if meta.reason.strip() else meta
