"""`parcours codec-server` and `parcours codec-pass`: the web UI's codec server, and the
pass a staff member signs in to it with (`parcours.codec`, `app/staff_access.py`)."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import role_label, role_labels
from parcours.cli.options import JsonFlag, decimal_option
from parcours.cli.render import console, print_json, when
from parcours.cli.runtime import current_session, guarded

commands = typer.Typer()

Port = Annotated[int | None, typer.Option("--port", help="help.opt.codec_port", min=0, max=65535)]
Host = Annotated[str | None, typer.Option("--host", help="help.opt.codec_host")]
Origins = Annotated[
    list[str] | None, typer.Option("--origin", help="help.opt.codec_origin", metavar="URL")
]
Hours = Annotated[float, decimal_option("--hours", "help.opt.pass_hours")]


@commands.command("codec-server", help="help.codec-server")
@guarded
def codec_server(port: Port = None, host: Host = None, origin: Origins = None) -> None:
    import time

    from parcours.adapters.logs import configure_logging
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.codec.run import running_codec_server
    from parcours.service import StopRequest

    session = current_session()
    settings = session.settings
    configure_logging()
    keyring = load_keyring(settings)
    with (
        StopRequest() as stop,
        running_codec_server(
            settings, keyring, session.lang, host=host, port=port, origins=origin or ()
        ) as server,
    ):
        origins = ", ".join(sorted(server.origins))
        said = session.text(
            "codec.serving", url=server.url, namespace=settings.namespace, origins=origins
        )
        console.print(said, markup=False, soft_wrap=True)
        while not stop.requested:
            time.sleep(0.2)
    console.print(session.text("codec.stopped"))


@commands.command("codec-pass", help="help.codec-pass")
@guarded
def codec_pass(hours: Hours = 12.0, as_json: JsonFlag = False) -> None:
    from datetime import UTC, datetime

    from parcours.adapters.secret_file import read_secret_file
    from parcours.app.staff_access import MAX_PASS_HOURS, issue_pass, pass_expiry
    from parcours.cli.reads import prove_session
    from parcours.codec.run import codec_endpoint
    from parcours.domain.permissions import PATHWAY_READERS, may_read_pathways
    from parcours.domain.records import Actor
    from parcours.domain.vocabulary import Role

    session = current_session()
    actor = Actor(session.require_actor(), Role(session.role))
    if not may_read_pathways(actor.role):
        allowed = role_labels((role.value for role in PATHWAY_READERS), session.text)
        role = role_label(actor.role.value, session.text)
        said = session.text("codec.pass.role", role=role, allowed=allowed)
        raise CliError(said, ExitCode.REFUSED)
    if not 0 < hours <= MAX_PASS_HOURS:
        said = session.text("codec.pass.hours", hours=f"{hours:g}", most=MAX_PASS_HOURS)
        raise CliError(said, ExitCode.USAGE)
    prove_session(session, actor, words="codec.pass")
    secret = read_secret_file(session.settings.codec_secret_file)
    expires = pass_expiry(datetime.now(UTC), hours)
    token = issue_pass(secret, actor, expires)
    if as_json:
        document = {"pass": token, "actor_id": actor.actor_id, "role": actor.role.value}
        print_json({**document, "expires": expires})
        return
    typer.echo(token)
    hint = session.text(
        "codec.pass.hint",
        actor=actor.actor_id,
        role=role_label(actor.role.value, session.text),
        expires=when(expires),
        url=codec_endpoint(session.settings),
    )
    typer.echo(hint, err=True)
