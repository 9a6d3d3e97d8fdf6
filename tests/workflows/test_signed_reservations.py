"""A person's reservation is claimed and released with the referral's signed request: the
worker refuses a claim or a release that does not prove its sender, whatever client sent
it (here the raw Temporal client), so no one can free a person's reservation to have them
referred twice, nor claim it to block their referral. What the service moves itself from
the old registry is sealed by it and accepted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import load_keyring
from parcours.adapters.temporal.seal import seal_secrets
from parcours.app.credentials import SigningKey, issue, sign
from parcours.app.errors import DuplicateReferral, RequestRefused
from parcours.app.referral import refer_person
from parcours.app.reservations import Reservations
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant
from parcours.workflows.reservation import RELEASE_UPDATE, Claim, claim_content
from tests.servers import TEST_KEYRING
from tests.support import AUDITOR, COORDINATOR, STAFF, meta, participant, referral
from tests.workflows.signed import Signed, checking_worker

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


def _reservations(signed: Signed, person: Participant, key: SigningKey | None) -> Reservations:
    """The person's reservations, reached signed with `key` (None: the raw client)."""
    names = (person.last_name, person.first_name, person.birth_date)
    marks = fingerprints(TEST_KEYRING, ATP.name, *names)
    client = signed.pathways(key).temporal
    return Reservations(client, signed.settings.task_queue, ATP.name, marks)


async def _refused(reservations: Reservations, claim: Claim, *, release: bool) -> str:
    send = reservations.release if release else reservations.claim
    with pytest.raises(RequestRefused) as refused:
        await send(claim)
    assert refused.value.rule == "signed_actor"
    return refused.value.code


async def _claims(signed: Signed, reservation_id: str) -> list[Claim]:
    """The claims the reservation's history accepted: who claimed, not why (no reason)."""
    history = await signed.client.get_workflow_handle(reservation_id).fetch_history()
    found: list[Claim] = []
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            sent = event.workflow_execution_update_accepted_event_attributes.accepted_request
            payloads = sent.input.args.payloads
            found += await signed.client.data_converter.decode(payloads, [Claim])
    return found


def _release_signed(key: SigningKey, target: str, claim: Claim, sent: RequestMeta) -> Claim:
    return replace(claim, meta=sign(key, RELEASE_UPDATE, target, sent, claim_content(claim)))


async def test_a_raw_claim_or_release_is_refused_unless_signed_as_a_credential_allows(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        key = signed.issue(STAFF)
        person, sent = participant("Ombeline"), meta(reason="adressée par la mission locale")
        pathways = signed.pathways(key)
        referred = await refer_person(
            pathways, ATP, person, referral(), meta=sent, keyring=TEST_KEYRING
        )
        pid = referred.pathway_id
        raw = _reservations(signed, person, None)
        target = raw.current_id
        assert await raw.holder() == pid
        claimed = await _claims(signed, target)
        assert [(c.meta.key_id, c.meta.reason) for c in claimed if c.meta] == [(key.key_id, "")]

        mine = Claim(pid, sent.request_id)
        assert await _refused(raw, mine, release=True) == "signature_missing"
        _, forger = issue(STAFF.actor_id, Role.STAFF, "", datetime.now(UTC))
        forged = _release_signed(replace(forger, key_id=key.key_id), target, mine, sent)
        assert await _refused(raw, forged, release=True) == "signature_invalid"
        as_other = _release_signed(key, target, mine, meta(COORDINATOR))
        assert await _refused(raw, as_other, release=True) == "credential_grants_other"
        altered = replace(_release_signed(key, target, replace(mine, pathway_id="x"), sent))
        assert await _refused(raw, replace(altered, pathway_id=pid), release=True) == (
            "signature_invalid"
        )
        taking = Claim("pathway-00000000000000ab", "req-taking", replaces=pid)
        assert await _refused(raw, taking, release=False) == "signature_missing"
        passed_off = replace(meta(), handed_by="registry", seal="bm90IHRoZSBzZXJ2aWNl")
        fake = replace(taking, meta=passed_off)
        assert await _refused(raw, fake, release=False) == "signature_invalid"

        auditor = signed.issue(AUDITOR)  # a credential in force, but no role that refers
        by_auditor = _release_signed(auditor, target, mine, meta(AUDITOR))
        with pytest.raises(RequestRefused) as refused:
            await raw.release(by_auditor)
        assert refused.value.code == "role_may_not"

        assert await raw.holder() == pid  # nothing reached the reservation
        with pytest.raises(DuplicateReferral):
            await refer_person(pathways, ATP, person, referral(), meta=meta(), keyring=TEST_KEYRING)
        await _reservations(signed, person, key).release(replace(mine, meta=sent))
        assert await raw.holder() == ""  # the referrer's own signed release goes through


async def test_a_claim_sealed_by_the_service_is_accepted(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """What `retire_registry` sends: the service's own claim, sealed with its keyring."""
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        raw = _reservations(signed, participant("Aurelien"), None)
        moved = Claim("pathway-00000000000000cd", "moved-from-the-registry")
        secret = seal_secrets(load_keyring(signed.settings))[0]
        claimed = await raw.claim(raw.sealed(moved, secret, "referral-registry-atp-cergy"))
        assert (claimed.pathway_id, claimed.existing) == (moved.pathway_id, False)
        assert await raw.holder() == moved.pathway_id
