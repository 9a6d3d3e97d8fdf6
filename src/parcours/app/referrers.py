"""Is a referral's referrer in the partner directory? Asked beside the referral, never in its way.

A referrer the directory does not hold as an active `referrer` partner is never told of
the pathway (its messages fail for good, and the coordinator is alerted): the referral
is still made, and whoever refers is warned at once. The referral never depends on the
read model: the lookup runs on a thread of its own, started as the referral is sent, and
its answer is read once the pathway exists, waiting at most `GRACE_S` seconds more. A read
model that is down, slow or not created yet gives no answer (`None`) and a logged note,
and the referral goes on as if nothing had been asked.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from parcours.adapters.logs import get_logger
from parcours.domain.vocabulary import PartnerKind

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Partner

GRACE_S = 0.5
"""How long the answer is waited for once the pathway exists (it is usually there already)."""


class ReferrerLookup:
    """One look-up of `referrer` in the directory at `readmodel_url`, on a daemon thread."""

    def __init__(self, readmodel_url: str, referrer: str) -> None:
        self.referrer = referrer
        self._url = readmodel_url
        self._found: Partner | None = None
        self._failure = ""
        self._thread = threading.Thread(target=self._look_up, name="referrer-lookup", daemon=True)

    def start(self) -> ReferrerLookup:
        self._thread.start()
        return self

    def _look_up(self) -> None:
        """Read the partner row only: no schema migration, no write, nothing kept open."""
        try:  # imported here, on this thread: SQLAlchemy loads while the referral is sent
            from parcours.adapters.readmodel import create_readmodel_engine  # noqa: PLC0415
            from parcours.adapters.readmodel.partners import PartnerDirectory  # noqa: PLC0415

            with PartnerDirectory(create_readmodel_engine(self._url)) as directory:
                self._found = directory.find_partner(self.referrer)
        except Exception as err:  # noqa: BLE001 - the referral never fails for this look-up
            self._failure = type(err).__name__

    def listed(self, grace: float = GRACE_S) -> bool | None:
        """True when the directory holds the referrer as an active referrer, False when it
        does not, None when the read model could not say within `grace` seconds."""
        self._thread.join(grace)
        if self._thread.is_alive() or self._failure:
            get_logger("parcours.referral").info(
                "referrer not checked against the partner directory",
                cause=self._failure or f"no answer within {grace} s",
            )
            return None
        return _is_active_referrer(self._found)


def _is_active_referrer(partner: Partner | None) -> bool:
    return partner is not None and partner.active and partner.kind is PartnerKind.REFERRER
