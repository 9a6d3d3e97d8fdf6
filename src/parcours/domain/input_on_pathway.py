"""What a request's input earns on the pathway it is sent to, once its step is allowed.

`domain/inputs.py` judges the input whatever the pathway (blank, too long, invisible
controls); here it is judged against this pathway: a referent it already has
(`domain/referents.py`), a consent to withdraw that is not there (`commands/consent.py`),
then, given the instant it is judged at, its dates against the
pathway's own (`domain/instants.py`) and against their horizons (`domain/horizons.py`).
Asked by `Pathway.check`: from the workflow's validators, which never run on replay, and
from `Pathway.may` without an instant, which the workflow asks on replay of the failures it
records itself (`workflows.deliveries`): those are never an assignment, and without an
instant no date is judged, so what replays is unchanged.
"""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands import Command
from parcours.domain.commands.consent import nothing_to_withdraw
from parcours.domain.errors import MoveRefused
from parcours.domain.horizons import check_horizons
from parcours.domain.instants import check_instants
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.referents import unchanged_referent


def input_refused(
    state: PathwayState, command: Command, meta: RequestMeta, now: datetime | None
) -> MoveRefused | None:
    """The first refusal the command's input earns on `state`; None when it has none."""
    unchanged = unchanged_referent(state, command) or nothing_to_withdraw(state, command)
    if unchanged is not None or now is None:
        return unchanged
    return check_instants(state, command, meta, now) or check_horizons(command, now)
