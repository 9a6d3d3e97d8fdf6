"""`parcours serve`, `parcours worker`, `parcours keys create|rotate`: running the service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag, group_module
from parcours.cli.render import console, print_json
from parcours.cli.runtime import current_session, guarded

commands, keys = group_module("keys")

KeyFile = Annotated[Path | None, typer.Option("--file", help="help.opt.key_file")]


@commands.command("serve", help="help.serve")
@guarded
def serve() -> None:
    import os

    from parcours.cli.config_file import config_path
    from parcours.service import serve as run_service

    session = current_session()
    code = run_service(
        session.settings,
        say=lambda line: console.print(line, markup=False, soft_wrap=True),
        text=session.text,
        lang=session.lang,
        warn=lambda line: typer.echo(line, err=True),
        who=(config_path(os.environ), session.actor_id),
    )
    if code:
        raise typer.Exit(code)


@commands.command("worker", help="help.worker")
@guarded
def worker() -> None:
    import asyncio

    from parcours.adapters.logs import configure_logging
    from parcours.adapters.temporal.connection import connect_client, tls_config
    from parcours.adapters.temporal.devserver import wait_for_server
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.worker import run_worker

    settings = current_session().settings
    configure_logging()
    load_keyring(settings)
    tls_config(settings)  # a TLS file that cannot be used is said now, not as a time-out
    asyncio.run(
        wait_for_server(
            settings.temporal_address,
            settings.namespace,
            5.0,
            connect=lambda: connect_client(settings),
        )
    )
    asyncio.run(run_worker(settings))


@keys.command("create", help="help.keys.create")
@guarded
def create(file: KeyFile = None, as_json: JsonFlag = False) -> None:
    from parcours.adapters.temporal.key_home import key_file_in_use
    from parcours.adapters.temporal.keys import create_key_file

    session = current_session()
    path = file or key_file_in_use(session.settings)  # an older install's is not replaced
    keyring = create_key_file(path)
    if as_json:
        print_json({"path": str(path), "current": keyring.current.key_id, "keys": 1})
        return
    console.print(session.text("keys.created", path=path, key_id=keyring.current.key_id))


@keys.command("rotate", help="help.keys.rotate")
@guarded
def rotate(file: KeyFile = None, as_json: JsonFlag = False) -> None:
    from parcours.adapters.temporal.key_home import key_file_in_use
    from parcours.adapters.temporal.keys import rotate_key_file

    session = current_session()
    path = file or key_file_in_use(session.settings)
    if not path.exists():
        raise CliError(session.text("keys.missing", path=path), ExitCode.KEYS)
    keyring = rotate_key_file(path)
    current = keyring.current.key_id
    if as_json:
        print_json({"path": str(path), "current": current, "keys": len(keyring.keys)})
        return
    console.print(session.text("keys.rotated", path=path, key_id=current, count=len(keyring.keys)))
