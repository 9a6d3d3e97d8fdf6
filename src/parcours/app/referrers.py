"""Is a referral's referrer (a mission's agency) in the partner directory? Asked once the
pathway (the mission) exists.

A referrer the directory does not hold as an active `referrer` partner is never told of
the pathway (its messages fail for good, and the coordinator is alerted): the referral
is still made, and whoever refers is warned at once. The referral never depends on the
read model: the one row is read once the pathway exists, through the database's own
driver rather than the read model's machinery (`adapters.directory_lookup`), on a thread
of its own, waited for at most `GRACE_S` seconds. A read model that is down or slow gives
no answer, only the cause, for the front end to note in its log; the referral is
reported as if nothing had been asked.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from parcours.adapters.directory_lookup import is_active_partner
from parcours.domain.vocabulary import PartnerKind

GRACE_S = 0.5
"""How long the answer is waited for, at most, once the pathway exists."""


@dataclass(frozen=True)
class PartnerAnswer:
    """`listed`: True or False, or None when the read model could not say (`cause`)."""

    listed: bool | None
    cause: str = ""


def partner_listed(
    readmodel_url: str, name: str, kind: PartnerKind, grace: float = GRACE_S
) -> PartnerAnswer:
    """Whether the directory holds `name` as an active partner of `kind` (a referral's
    referrer, a mission's agency), asked for `grace` seconds at most; any failure is an
    answer of None with its cause, never raised."""
    answer: list[bool] = []
    failure: list[str] = []

    def look_up() -> None:
        try:
            answer.append(is_active_partner(readmodel_url, name, kind, grace))
        except Exception as err:  # noqa: BLE001 - the referral never fails for this look-up
            failure.append(type(err).__name__)

    thread = threading.Thread(target=look_up, name="partner-lookup", daemon=True)
    thread.start()
    thread.join(grace)
    if answer:
        return PartnerAnswer(answer[0])
    return PartnerAnswer(None, failure[0] if failure else f"no answer within {grace} s")
