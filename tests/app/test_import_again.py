"""An import sends a request again when the service could not take it for a moment, and
stops at once on anything else (pure asyncio: the failures are the SDK's own classes)."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from parcours.app import importing
from parcours.app.importing import again_if_passing

pytestmark = pytest.mark.asyncio


class Flaky:
    """Fails with each of `failures` in turn, then answers "done"."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures, self.calls = list(failures), 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "done"


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "AGAIN_AFTER_S", (0.0, 0.0, 0.0))


async def test_a_passing_failure_is_sent_again_under_the_same_request() -> None:
    send = Flaky(
        RPCError("Workflow Task in failed state", RPCStatusCode.FAILED_PRECONDITION, b""),
        RPCError("busy", RPCStatusCode.UNAVAILABLE, b""),
        WorkflowQueryFailedError("Encoded failure"),
    )
    assert await again_if_passing(send) == "done"
    assert send.calls == 4


async def test_another_failure_stops_at_once() -> None:
    send = Flaky(RPCError("no such pathway", RPCStatusCode.NOT_FOUND, b""))
    with pytest.raises(RPCError):
        await again_if_passing(send)
    assert send.calls == 1


async def test_it_gives_up_after_its_pauses() -> None:
    send = Flaky(*(RPCError("busy", RPCStatusCode.UNAVAILABLE, b"") for _ in range(5)))
    with pytest.raises(RPCError):
        await again_if_passing(send)
    assert send.calls == 4
