"""Logging a read of a person's file before showing it, or showing nothing.

Every command that shows a person's identity (or the reasons staff typed about them)
calls `logged` once it has fetched what it will show and before it prints a word of it.
When the read log (in the read model) cannot be opened or written, the command ends
with one sentence and exit 5, having shown nothing: no read goes unlogged.

Before logging, the reader proves who they read as (`proven`): the session's config file
must hold a staff credential in force (known to the read model, not revoked, its public
key the half of the private key held) granting the staff id and role the session reads
with, as `staff add` proves a coordinator (`app.staff.prove`). Otherwise the command ends
with one sentence and exit 3, having shown and logged nothing. The read is logged with
the credential's key id. In the declared-roles mode (`PARCOURS_DECLARED_ROLES=1`, tests
and demos) nothing is proven and the read is logged without a key id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from parcours.app.read_log import ReadCommand, log_reads
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import role_label

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.cli.runtime import Session
    from parcours.domain.records import Actor

__all__ = ["ReadCommand", "logged", "opened", "proven", "reader_of", "refused"]

T = TypeVar("T")


def reader_of(session: Session) -> Actor:
    """Who reads: the session's staff id (required) and role."""
    from parcours.domain.records import Actor
    from parcours.domain.vocabulary import Role

    return Actor(session.require_actor(), Role(session.role))


def refused(session: Session, err: Exception) -> CliError:
    """The sentence for a read the log could not take: nothing is shown."""
    said = session.text("error.read_log", detail=type(err).__name__)
    return CliError(said, ExitCode.UNAVAILABLE)


def proven(session: Session, store: Store, reader: Actor, words: str = "read") -> str | None:
    """The key id of the credential in force the session holds for `reader` (its staff id
    and role); None in the declared-roles mode. Anything else is refused (exit 3), in the
    sentences under `words` (`read.no_credential`...)."""
    from parcours.app.staff import StaffRefused, prove

    if session.settings.declared_roles:
        return None
    try:
        return prove(store, session.signing_key, reader.role, reader.actor_id).key_id
    except StaffRefused as err:
        values = {"reader": reader.actor_id, **credential_words(err.values, session)}
        values["reader_role"] = role_label(reader.role.value, session.text)
        raise CliError(session.text(f"{words}.{err.reason}", **values), ExitCode.REFUSED) from None


def credential_words(values: dict[str, str], session: Session) -> dict[str, str]:
    """A refused credential's values in the reader's words: its role's name, and why it
    is not in force (`why`: unknown to this service, revoked on a day, not the key held)."""
    from parcours.cli.render import when

    said = dict(values)
    if "role" in said:
        said["role"] = role_label(said["role"], session.text)
    if "why" in said:
        revoked = when(datetime.fromisoformat(said["when"])) if "when" in said else ""
        said["why"] = session.text(f"credential.{said['why']}", when=revoked)
    return said


def prove_session(session: Session, actor: Actor, words: str) -> None:
    """Before an act the service cannot check itself (a codec pass issued, a pathway that
    cannot run closed): the session holds a credential in force for `actor`, or the act
    is refused (exit 3) in the sentences under `words`; exit 5 when the credentials
    cannot be read. Nothing is checked in the declared-roles mode."""
    from sqlalchemy.exc import SQLAlchemyError

    from parcours.adapters.readmodel import UnsupportedDatabase, open_store

    if session.settings.declared_roles:
        return
    try:
        with open_store(session.settings.readmodel_url) as store:
            proven(session, store, actor, words=words)
    except (SQLAlchemyError, UnsupportedDatabase, OSError) as err:
        said = session.text(f"{words}.unavailable", detail=type(err).__name__)
        raise CliError(said, ExitCode.UNAVAILABLE) from None


def logged(
    session: Session,
    command: ReadCommand,
    pathway_ids: Iterable[str] = (),
    programme: str | None = None,
) -> None:
    """Log the read in the read model, opened for it, once the reader has proven who they
    read as; refuse (exit 3) when they have not, (exit 5) when the log cannot be written."""
    from sqlalchemy.exc import SQLAlchemyError

    from parcours.adapters.readmodel import UnsupportedDatabase, open_store

    reader = reader_of(session)
    try:
        with open_store(session.settings.readmodel_url) as store:
            key_id = proven(session, store, reader)
            log_reads(store, reader, command, pathway_ids, programme, key_id=key_id)
    except (SQLAlchemyError, UnsupportedDatabase, OSError) as err:
        raise refused(session, err) from None


def opened(session: Session, value: T) -> T:
    """`value` (read from a history) with what is sealed under each person's key opened:
    the reasons staff typed; `[erased]` where the person was erased. Called once the read
    is logged (which migrated the read model), so the store is opened without migrating,
    and only when there is something sealed; if it cannot be reached, exit 5."""
    from parcours.activities.person_keys import PersonKeysUnavailable, PersonSealer
    from parcours.adapters.readmodel import open_store
    from parcours.adapters.temporal.keys import load_keyring

    opened_stores: list[Store] = []

    def store() -> Store:
        opened_stores.append(open_store(session.settings.readmodel_url))
        return opened_stores[-1]

    try:
        return PersonSealer(store, lambda: load_keyring(session.settings)).open(value)
    except PersonKeysUnavailable as err:
        raise refused(session, err) from None
    finally:
        for each in opened_stores:
            each.close()


def opened_if_sealed(
    session: Session, command: ReadCommand, pathway_ids: Iterable[str], value: T
) -> T:
    """`value` opened, the read logged first, when it holds something sealed (a reason a
    coordinator typed); `value` as it is, and nothing logged, when it holds nothing."""
    from parcours.adapters.temporal.sealing import key_ids_in

    if not key_ids_in(value):
        return value
    logged(session, command, pathway_ids)
    return opened(session, value)
