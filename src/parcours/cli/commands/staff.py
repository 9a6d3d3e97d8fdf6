"""`parcours staff add|list|revoke`: the staff credentials that sign every request.

Adding and revoking need a coordinator's credential in force in the config file of whoever
runs the command (`app.staff.prove`): typing `--role coordinator` proves nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError, unwritable
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import role_label
from parcours.cli.options import JsonFlag, group_module
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import Session, current_session, guarded, open_readmodel, role_key

if TYPE_CHECKING:
    from parcours.app.staff import StaffRefused
    from parcours.cli.i18n import Text
    from parcours.domain.signing import Credential

commands, staff = group_module("staff")

StaffId = Annotated[str, typer.Argument(help="help.arg.staff_member", metavar="ID")]


@staff.command("add", help="help.staff.add")
@guarded
def staff_add(
    actor_id: StaffId,
    role: Annotated[str, typer.Option("--role", help="help.opt.staff_role")],
    config: Annotated[
        Path | None, typer.Option("--config-file", help="help.opt.staff_config", metavar="FILE")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app.staff import StaffRefused, add_staff, prove
    from parcours.domain.vocabulary import Role

    session = current_session()
    role = role_key(role, session.text)
    target = config or Path(f"parcours-{actor_id}.toml")
    store = open_readmodel()
    try:
        issuer = prove(store, session.signing_key)
        credential = add_staff(store, actor_id, Role(role), issuer, target)
    except StaffRefused as err:
        raise _refused(session, err) from None
    except OSError as err:
        raise unwritable(session.text, "staff.unwritable", target, err) from None
    if as_json:
        print_json(_public(credential) | {"config_file": str(target)})
        return
    said = session.text(
        "staff.added",
        actor=actor_id,
        role=role_label(role, session.text),
        key_id=credential.key_id,
        path=target,
    )
    console.print(said, markup=False, soft_wrap=True)


@staff.command("list", help="help.staff.list")
@guarded
def staff_list(as_json: JsonFlag = False) -> None:
    found = open_readmodel().credentials()
    if as_json:
        print_json([_public(c) for c in found])
    else:
        text = current_session().text
        columns = ("actor", "role", "key_id", "issued", "revoked")
        rows = [_staff_row(c, text) for c in found]
        listing(text, "staff", columns, rows, text("staff.nothing"))


def _staff_row(credential: Credential, text: Text) -> list[str]:
    c = credential
    role = role_label(c.role.value, text)
    return [c.actor_id, role, c.key_id, when(c.issued_at), when(c.revoked_at)]


@staff.command("revoke", help="help.staff.revoke")
@guarded
def staff_revoke(
    reference: Annotated[str, typer.Argument(help="help.arg.staff_reference", metavar="KEY|ID")],
    as_json: JsonFlag = False,
) -> None:
    from parcours.app.staff import StaffRefused, prove, revoke_staff

    session = current_session()
    store = open_readmodel()
    try:
        revoked = revoke_staff(store, reference, prove(store, session.signing_key))
    except StaffRefused as err:
        raise _refused(session, err) from None
    if as_json:
        print_json({"revoked": [c.key_id for c in revoked]})
        return
    if not revoked:  # every credential it names was revoked before: nothing happened now
        console.print(session.text("staff.already_revoked", reference=reference))
        return
    keys = ", ".join(c.key_id for c in revoked)
    console.print(session.text("staff.revoked", reference=reference, keys=keys, count=len(revoked)))


def _refused(session: Session, err: StaffRefused) -> CliError:
    codes = {"exists": ExitCode.USAGE, "bad_id": ExitCode.USAGE, "unknown": ExitCode.NOT_FOUND}
    code = codes.get(err.reason)
    from parcours.cli.reads import credential_words

    values = credential_words(err.values, session)
    return CliError(session.text(f"staff.{err.reason}", **values), code or ExitCode.REFUSED)


def _public(credential: Credential) -> dict[str, str | None]:
    """A credential as listed: never a private key (the service holds none)."""
    revoked = credential.revoked_at
    return {
        "actor": credential.actor_id,
        "role": credential.role.value,
        "key_id": credential.key_id,
        "public_key": credential.public_key,
        "issued_at": credential.issued_at.isoformat(),
        "issued_by": credential.issued_by,
        "revoked_at": revoked.isoformat() if revoked else None,
        "revoked_by": credential.revoked_by or None,
    }
