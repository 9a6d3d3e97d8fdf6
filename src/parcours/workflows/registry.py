"""`ReferralRegistry`: the per-programme registry of who was referred, before reservations.

Up to 7a0d513 every referral reserved its pathway id here, as an update of one workflow
per programme: it keeps keyed fingerprints (HMAC of the normalised name and birth date,
see `parcours.adapters.temporal.fingerprint`) mapped to opaque pathway ids, never a name.
Referrals now claim a reservation of their own person (`workflows.reservation`), because
one workflow took every referral and the service refuses updates beyond ten in flight on
a workflow. The registry stays registered, unchanged: people it holds are still
recognised (`app.reservations.legacy_holders` asks `holder`), and its histories replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio import workflow

from parcours.workflows.patches import REGISTRY_RETIRES_PATCH

REGISTRY_TYPE = "ReferralRegistry"


def registry_id(programme: str, task_queue: str) -> str:
    """One registry per programme and deployment (its task queue)."""
    return f"referrals-{programme}@{task_queue}"


@dataclass
class RegistryInput:
    entries: dict[str, str] = field(default_factory=dict)


@dataclass
class Reservation:
    """Reserve `pathway_id` for a person; `fingerprints[0]` is under the current key.

    `replaces` names a finished pathway of the same person that a new referral may replace.
    """

    fingerprints: list[str]
    pathway_id: str
    replaces: str = ""


@dataclass
class ReservationResult:
    pathway_id: str
    existing: bool


@workflow.defn(name=REGISTRY_TYPE)
class ReferralRegistry:
    @workflow.init
    def __init__(self, start: RegistryInput) -> None:
        self._entries: dict[str, str] = dict(start.entries)
        self._retired = False

    @workflow.update
    def reserve(self, reservation: Reservation) -> ReservationResult:
        for fingerprint in reservation.fingerprints:
            known = self._entries.get(fingerprint)
            if known is not None and known != reservation.replaces:
                return ReservationResult(pathway_id=known, existing=True)
        for fingerprint in reservation.fingerprints:
            self._entries.pop(fingerprint, None)
        self._entries[reservation.fingerprints[0]] = reservation.pathway_id
        return ReservationResult(pathway_id=reservation.pathway_id, existing=False)

    @reserve.validator
    def _check(self, reservation: Reservation) -> None:
        if not reservation.fingerprints or not reservation.pathway_id:
            raise ValueError("a reservation needs a fingerprint and a pathway id")

    @workflow.query
    def holder(self, fingerprints: list[str]) -> str:
        """The pathway reserved for the person of these fingerprints; "" if none."""
        return next((self._entries[f] for f in fingerprints if f in self._entries), "")

    @workflow.query
    def size(self) -> int:
        return len(self._entries)

    @workflow.query
    def entries(self) -> dict[str, str]:
        """Every fingerprint it holds and its pathway: what moves into reservations."""
        return dict(self._entries)

    @workflow.update
    def retire(self, copied: int) -> bool:
        """End the registry once its `copied` entries are held by reservations; refused
        (False) if it holds more since (an older client reserved meanwhile)."""
        if copied != len(self._entries):
            return False
        workflow.patched(REGISTRY_RETIRES_PATCH)
        self._retired = True
        return True

    @workflow.run
    async def run(self, start: RegistryInput) -> None:
        await workflow.wait_condition(
            lambda: self._retired or workflow.info().is_continue_as_new_suggested()
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._retired:
            return
        workflow.continue_as_new(RegistryInput(entries=dict(self._entries)))
