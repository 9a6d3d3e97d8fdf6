"""`app.staff.prove`: the credential a config file holds, proven against the read model's
credentials for a role and a staff id, or refused saying why; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from parcours.adapters.readmodel import open_store
from parcours.app.credentials import SigningKey, issue
from parcours.app.staff import StaffRefused, prove
from parcours.domain.vocabulary import Role

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_credential_in_force_proves_its_staff_id_and_role_and_nothing_else(db_url: str) -> None:
    credential, key = issue("staff-7f3a", Role.STAFF, "key-issuer", NOW)
    _, other = issue("staff-7f3a", Role.STAFF, "key-issuer", NOW)
    unknown_credential, unknown = issue("staff-0000", Role.STAFF, "key-issuer", NOW)
    with open_store(db_url) as store:
        store.add_credential(credential)

        def reason(
            held: SigningKey | None, role: Role = Role.STAFF, actor: str | None = None
        ) -> str:
            with pytest.raises(StaffRefused) as refused:
                prove(store, held, role, actor)
            why = refused.value.values.get("why")
            return f"{refused.value.reason}:{why}" if why else refused.value.reason

        assert prove(store, key, Role.STAFF, "staff-7f3a").key_id == credential.key_id
        assert prove(store, key, Role.STAFF).key_id == credential.key_id
        assert reason(None) == "no_credential"
        assert reason(unknown) == "not_in_force:unknown"
        assert unknown_credential.key_id != credential.key_id
        assert reason(replace(other, key_id=key.key_id)) == "not_in_force:mismatch"  # not its half
        assert reason(replace(key, private_key="not a key")) == "not_in_force:mismatch"
        assert reason(key, Role.COORDINATOR) == "grants_other"
        assert reason(key, Role.STAFF, "staff-0000") == "grants_other"
        assert reason(key, Role.AUDITOR, "staff-7f3a") == "grants_other"

        assert store.revoke_credential(credential.key_id, "key-issuer")
        assert reason(key, Role.STAFF, "staff-7f3a") == "not_in_force:revoked"


def test_a_coordinator_is_proven_by_default() -> None:
    credential, key = issue("coord-21b9", Role.COORDINATOR, "", NOW)
    with open_store("sqlite://") as store:
        store.add_credential(credential)
        assert prove(store, key) == store.credential(credential.key_id)
        with pytest.raises(StaffRefused) as refused:
            prove(store, key, Role.STAFF)
        assert refused.value.values == {
            "key_id": credential.key_id,
            "actor": "coord-21b9",
            "role": "coordinator",
        }
