"""Running `parcours` in-process for tests, and the referral most CLI tests start with.

`Cli` runs the command through typer's CliRunner; a worker runs in a thread with its own
event loop, because each CLI call runs its own `asyncio.run`, as the installed command does.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.cli.app import build_app
from parcours.cli.i18n import choose_language
from parcours.worker import build_worker, default_activities
from tests.servers import TEST_KEYRING

PERSON = (
    "--first-name",
    "Zephyrine",
    "--last-name",
    "Quillfeather",
    "--birth-date",
    "1990-04-02",
)


@dataclass
class Cli:
    """Runs `parcours ARGS` with this test's environment; `env` can be overridden per call."""

    env: dict[str, str]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, **overrides: str) -> Result:
        argv: Sequence[str] = list(args)
        env: Mapping[str, str] = {**self.env, **overrides}
        app = build_app(choose_language(argv, env))
        with python_environment_only():
            return self.runner.invoke(app, argv, env=dict(env), catch_exceptions=False)


@contextmanager
def python_environment_only() -> Iterator[None]:
    """`os.environ` changed for Python alone, not the C library's environment. The runner
    sets each call's variables in `os.environ`, which calls `setenv`: adding a name makes
    glibc reallocate the environment array while native threads of the worker running
    beside it (Temporal's core, SQLite, `localtime`'s TZ) may read it with `getenv`, a use
    after free that crashed a fresh clone's test run twice. parcours reads its settings
    from `os.environ`, so the commands see the same variables."""
    with mock.patch("os.putenv"), mock.patch("os.unsetenv"):
        yield


class ThreadedWorker:
    """A pathway worker on its own loop and thread, stopped at the end of the test."""

    def __init__(self, address: str, settings: Settings) -> None:
        self._address, self._settings = address, settings
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.error: BaseException | None = None

    async def _run(self) -> None:
        try:
            client = await Client.connect(
                self._address, data_converter=data_converter(TEST_KEYRING)
            )
            async with build_worker(
                client, self._settings, default_activities(self._settings, TEST_KEYRING)
            ):
                self._ready.set()
                await asyncio.to_thread(self._stop.wait)
        except BaseException as err:
            self.error = err
            self._ready.set()
            raise

    def __enter__(self) -> ThreadedWorker:
        self._thread.start()
        self._ready.wait(30)
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)


def address_of(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


def refer(cli: Cli, *extra: str, programme: str = "atp-cergy") -> str:
    """Refer PERSON by the CCAS through the CLI; the new pathway's id."""
    result = cli(
        "refer",
        "--programme",
        programme,
        "--referrer",
        "CCAS",
        "--reason",
        "precarious part-time work",
        *PERSON,
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.output
    pathway_id: str = json.loads(result.stdout)["pathway_id"]
    return pathway_id


def as_coordinator(cli: Cli, *args: str, **overrides: str) -> Result:
    return cli("--role", "coordinator", *args, **overrides)
