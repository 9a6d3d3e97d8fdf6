"""How a channel says a delivery failed: retry later, or never.

The activity turns `TemporaryFailure` into a retry and `PermanentFailure` into a
non-retryable error and a `NotificationFailure` for the workflow. Messages name the
partner channel and the status only, never the content sent.
"""

from __future__ import annotations


class DeliveryFailure(Exception):
    """A notification could not be delivered."""


class TemporaryFailure(DeliveryFailure):
    """Worth retrying: the server is down, busy or slow (SMTP 4xx, HTTP 5xx/408/429)."""


class PermanentFailure(DeliveryFailure):
    """Never worth retrying as is: the address or the request was rejected (SMTP 5xx, HTTP 4xx)."""
