"""How a CLI command reaches the service: the client's converter, the sealer that opens
each person's identity with their own key, and the connection (signed when the config
file holds a staff credential). Imported on first use, so `--help` stays light."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient

Session = Any
"""`cli.runtime.Session`, which imports this module on first use (named, not imported)."""

CONNECT_TIMEOUT_S = 5.0
"""How long a command waits to reach the Temporal service before saying it cannot."""


class SealerOnFirstUse:
    """The person sealer, made when a command first seals or opens something: building it
    imports the read model (SQLAlchemy) and the sealing code, which a listing or an action
    without a reason never needs."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make, self._made = make, None
        self._making = threading.Lock()  # an import seals from several threads at once

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # its own, before __init__ set them (a copy): not the sealer's
            raise AttributeError(name)
        with self._making:
            if self._made is None:
                self._made = self._make()
        return getattr(self._made, name)


def person_sealer(session: Session, decrypt: bool) -> Any:
    """Seals and opens identities with each person's key (kept in the read model)."""
    if not decrypt:
        return None

    def make() -> Any:
        from parcours.activities.lazy_store import LazyStore
        from parcours.activities.person_keys import PersonSealer
        from parcours.adapters.temporal.keys import load_keyring

        return PersonSealer(
            LazyStore(session.settings.readmodel_url), load_keyring(session.settings)
        )

    return SealerOnFirstUse(make)


def client_converter(session: Session) -> Any:
    from parcours.adapters.temporal.converter import data_converter
    from parcours.adapters.temporal.keys import load_keyring

    return data_converter(load_keyring(session.settings))


async def connect(session: Session, converter: Any) -> Any:
    import asyncio

    from parcours.adapters.logs import route_core_logs
    from parcours.adapters.temporal.connection import connect_client
    from parcours.cli.answers import unreachable

    route_core_logs()  # the SDK core's retries never reach the terminal as text
    try:
        client = await asyncio.wait_for(
            connect_client(session.settings, converter), timeout=CONNECT_TIMEOUT_S
        )
    except (TimeoutError, RuntimeError, OSError):
        raise unreachable(session) from None
    if session.signing_key is None:
        return client
    from parcours.app.signed_client import signed_client

    return signed_client(client, session.signing_key)


async def pathway_client(
    session: Session, decrypt: bool, bounded_by: float | None
) -> PathwayClient:
    """The pathway client a command works with: connected (with the encrypting converter
    when `decrypt`), each question to the service bounded by `bounded_by` seconds if set."""
    from parcours.app.client import PathwayClient
    from parcours.cli import answers

    client = await connect(session, client_converter(session) if decrypt else None)
    if bounded_by is not None:
        client = answers.with_bounded_questions(client, answers.question_timeout(bounded_by))
    return PathwayClient(client, session.settings.task_queue, person_sealer(session, decrypt))
