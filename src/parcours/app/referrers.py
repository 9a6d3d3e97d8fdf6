"""Is a referral's referrer in the partner directory? Asked once the pathway exists.

A referrer the directory does not hold as an active `referrer` partner is never told of
the pathway (its messages fail for good, and the coordinator is alerted): the referral
is still made, and whoever refers is warned at once. The referral never depends on the
read model: the one row is read once the pathway exists, through the database's own
driver rather than the read model's machinery (`adapters.directory_lookup`), on a thread
of its own, waited for at most `GRACE_S` seconds. A read model that is down or slow gives
no answer (`None`) and a logged note, and the referral is reported as if nothing had been
asked.
"""

from __future__ import annotations

import threading

from parcours.adapters.directory_lookup import is_active_referrer
from parcours.adapters.logs import get_logger

GRACE_S = 0.5
"""How long the answer is waited for, at most, once the pathway exists."""


def referrer_listed(readmodel_url: str, referrer: str, grace: float = GRACE_S) -> bool | None:
    """True when the directory holds `referrer` as an active referrer, False when it does
    not, None when the read model could not say within `grace` seconds (noted in the log)."""
    answer: list[bool] = []
    failure: list[str] = []

    def look_up() -> None:
        try:
            answer.append(is_active_referrer(readmodel_url, referrer, grace))
        except Exception as err:  # noqa: BLE001 - the referral never fails for this look-up
            failure.append(type(err).__name__)

    thread = threading.Thread(target=look_up, name="referrer-lookup", daemon=True)
    thread.start()
    thread.join(grace)
    if answer:
        return answer[0]
    get_logger("parcours.referral").info(
        "referrer not checked against the partner directory",
        cause=failure[0] if failure else f"no answer within {grace} s",
    )
    return None
