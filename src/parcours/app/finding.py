"""Finding a person's pathways by who they are, for a request that names a person (an
erasure, a request for access): pathways are named by random ids, never by the person.

Nothing is searched in clear. The person's fingerprint in a programme (their name and
birth date under the keyring, as a referral's duplicate check computes it: case, accents
and hyphens do not count) names their reservation there; its holder is their latest
pathway, and each pathway names the earlier one it follows (`Refer.earlier_pathway_id`).
A pathway whose person was erased or anonymised holds no reservation: nothing of them is
left to find. The search is a read, logged by the front end before it shows anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import PathwayNotFound
from parcours.app.health import PathwayCannotRun
from parcours.app.reservations import Reservations
from parcours.app.returns import linked
from parcours.workflows.messages import Participant


@dataclass(frozen=True)
class Found:
    """One pathway of the person."""

    programme: str
    pathway_id: str
    running: bool
    stage: str
    """The stage it lists under; "" once its run has ended."""


async def find_person(
    pathways: PathwayClient, keyring: Keyring, person: Participant, programmes: list[str]
) -> list[Found]:
    """Every pathway of `person` in `programmes` that still holds their record (not
    erased, not anonymised), the latest of each programme first."""
    found: list[Found] = []
    for programme in programmes:
        for pathway_id in await _chain(pathways, keyring, person, programme):
            kept = await _kept(pathways, programme, pathway_id)
            if kept is not None:
                found.append(kept)
    return found


async def _kept(pathways: PathwayClient, programme: str, pathway_id: str) -> Found | None:
    """The pathway as found, or None once its person was erased or anonymised (a later
    pathway still names it as the one it follows). One that cannot run keeps its record
    until a coordinator erases it: it is found, with no stage."""
    running = bool(await pathways.running(pathway_id))
    try:
        state = await pathways.state_as_stored(pathway_id)
    except (PathwayCannotRun, PathwayNotFound):
        return Found(programme, pathway_id, running, "")
    if state.erased_at is not None:
        return None
    return Found(programme, pathway_id, running, state.stage.value if running else "")


async def _chain(
    pathways: PathwayClient, keyring: Keyring, person: Participant, programme: str
) -> list[str]:
    """The reservation's holders (under every key, and the old registry), then the
    earlier pathways each follows, each once."""
    marks = fingerprints(keyring, programme, person.last_name, person.first_name, person.birth_date)
    reservations = Reservations(pathways.temporal, pathways.task_queue, programme, marks)
    chain: list[str] = []
    for holder in [await reservations.holder(), *await reservations.legacy_holders()]:
        pathway_id = holder
        while pathway_id and pathway_id not in chain:
            chain.append(pathway_id)
            pathway_id = await linked(pathways, pathway_id)
    return chain
