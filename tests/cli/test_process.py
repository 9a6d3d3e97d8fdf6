"""The installed `parcours` command as a process: exit codes, imports, completion, pipes.

These run the console script itself, not `build_app` in a CliRunner, because what they
check happens only in a real process: how it ends (`main` ends it with `os._exit`, so the
Temporal SDK's threads cannot abort interpreter shutdown), what `--help` imports, shell
completion, and a reader that stops reading. None of them needs a Temporal server.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from parcours.adapters.temporal.keys import Keyring
from parcours.cli.i18n import Text
from parcours.cli.process import BROKEN_PIPE
from tests.cli.runner import Cli, refer

PARCOURS = Path(sys.executable).parent / "parcours"

UNREACHABLE = "127.0.0.1:1"

RUNS = 8
"""How many times each unreachable-server command runs: the abort it guards against came
in 2 to 4 runs out of 8."""

HEAVY = (
    "temporalio",
    "sqlalchemy",
    "pydantic",
    "smtplib",
    "urllib.request",
    "cryptography",
    "structlog",
)
"""What `parcours --help` must not import: each command imports these when it runs."""


def parcours_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its PARCOURS_* and locale, plus this test's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PARCOURS_", "_PARCOURS_", "LC_", "COMP_")) and name != "LANG"
    }
    env.update(
        PARCOURS_DATA_DIR=str(tmp_path / "data"),
        PARCOURS_CONFIG=str(tmp_path / "missing-config.toml"),
        PARCOURS_ACTOR="staff-1",
        PARCOURS_LANG="en",
    )
    env.update(extra)
    return env


def run(
    tmp_path: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PARCOURS), *args],
        env=dict(parcours_env(tmp_path) if env is None else env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_installed_command_is_there() -> None:
    assert PARCOURS.exists(), PARCOURS


@pytest.mark.parametrize(
    "args",
    [
        ["show", "abcd"],
        ["contact", "abcd"],
        ["list"],
        ["audit", "export", "abcd", "--out", "x.json"],
    ],
    ids=" ".join,
)
def test_an_unreachable_server_always_ends_with_exit_code_5_and_one_line(
    tmp_path: Path, args: list[str]
) -> None:
    env = parcours_env(
        tmp_path,
        PARCOURS_TEMPORAL_ADDRESS=UNREACHABLE,
        PARCOURS_KEYS=Keyring.generate().to_json(),
    )
    again = shlex.join(["parcours", *args])  # the command to run once the service is back
    expected = Text("en")("error.unreachable", address=UNREACHABLE, command=again)
    # Run at once: they fail fast, and side by side the shutdown race only gets likelier.
    processes = [
        subprocess.Popen(
            [str(PARCOURS), *args],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RUNS)
    ]
    outcomes = []
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        outcomes.append((process.returncode, stderr))
    for code, stderr in outcomes:
        assert "Traceback" not in stderr
        assert "Fatal Python error" not in stderr
        assert stderr.splitlines() == [expected]
        assert code == 5
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize(
    ("args", "env", "code"),
    [
        (["--help"], {}, 0),
        (["programme", "list"], {}, 0),
        ([], {}, 2),
        (["--bogus"], {}, 2),
        (["--lang", "xx", "programme", "list"], {}, 2),
        (["programme", "list"], {"PARCOURS_UI_PORT": "abc"}, 2),
        (["programme", "show", "nope"], {}, 4),
        (["programme", "validate", "broken.toml"], {}, 6),
        (["list"], {}, 7),
    ],
)
def test_exit_codes_survive_the_process_ending(
    tmp_path: Path, args: list[str], env: dict[str, str], code: int
) -> None:
    (tmp_path / "broken.toml").write_text("x = [\n", encoding="utf-8")
    done = run(tmp_path, *args, env=parcours_env(tmp_path, **env))
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    if code not in (0, 2):
        assert len(done.stderr.splitlines()) == 1, done.stderr


NOT_FOR_AN_ACTION = (
    "pydantic",
    "structlog",
    "sqlalchemy",
    "typer._adapters",
    "typer.rich_utils",
    "rich.markdown",
    "parcours.workflows.pathway",
    "parcours.domain.pathway",
    "parcours.domain.programme",
    "parcours.domain.programme_data",
    "parcours.programmes",
    "transitions",
)
"""What a staff action does not need before it sends its update: the programme models
and their validation (pydantic, also behind Typer's checks of text options), the
pathway machine and the workflow, structlog (until a line is logged), the read model."""


def imported(
    tmp_path: Path, *args: str, env: Mapping[str, str] | None = None, succeeds: bool = False
) -> set[str]:
    """Every module the installed `parcours ARGS` imports (python -X importtime); with
    `succeeds`, the command must also have done what it was asked (exit 0)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(PARCOURS), *args],
        env=dict(parcours_env(tmp_path) if env is None else env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}
    assert "parcours.cli.app" in modules  # the measure itself works
    if succeeds:
        said = [line for line in done.stderr.splitlines() if not line.startswith("import time")]
        assert done.returncode == 0, said
    return modules


def pulled_in(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `modules` that are one of `names` or inside one of them."""
    return sorted(m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names))


def test_an_action_imports_only_what_sending_it_needs(tmp_path: Path) -> None:
    """`parcours contact REF`, up to the connection (refused here): the client, the
    converter and the commands, nothing in `NOT_FOR_AN_ACTION`."""
    env = parcours_env(
        tmp_path,
        PARCOURS_TEMPORAL_ADDRESS=UNREACHABLE,
        PARCOURS_KEYS=Keyring.generate().to_json(),
    )
    modules = imported(tmp_path, "contact", "1234abcd", "--reason", "called", env=env)
    assert {"temporalio.client", "parcours.adapters.temporal.converter"} <= modules
    assert pulled_in(modules, NOT_FOR_AN_ACTION) == []


def imported_by_help(tmp_path: Path, *command: str) -> set[str]:
    """Every module the installed `parcours [COMMAND] --help` imports (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(PARCOURS), *command, "--help"],
        env=parcours_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    modules = {line.rsplit("|", 1)[1].strip() for line in lines[1:]}
    assert "parcours.cli.app" in modules  # the measure itself works
    return modules


def test_help_imports_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    modules = imported_by_help(tmp_path)
    pulled = sorted(
        module
        for module in modules
        if any(module == heavy or module.startswith(f"{heavy}.") for heavy in HEAVY)
    )
    assert pulled == []


def test_help_does_not_import_ssl(tmp_path: Path) -> None:
    assert "ssl" not in imported_by_help(tmp_path)


def test_help_imports_none_of_the_rich_modules_it_does_not_show(tmp_path: Path) -> None:
    """Markdown help and pretty tracebacks are not used: neither they nor what they import
    (markdown_it, pygments, attrs) are loaded, for the root or a command's help."""
    unused = ("rich.markdown", "rich.traceback", "rich.syntax", "markdown_it", "pygments")
    for command in ((), ("barrier", "add")):
        assert pulled_in(imported_by_help(tmp_path, *command), unused) == []


def test_intake_help_lists_criteria_without_building_the_programme_models(
    tmp_path: Path,
) -> None:
    """The criteria in `intake complete --help` are read from the files as they are."""
    modules = imported_by_help(tmp_path, "intake", "complete")
    assert "parcours.cli.criteria" in modules
    assert {"parcours.programmes", "parcours.domain.programme"}.isdisjoint(modules)


def test_shell_completion_completes_a_command(tmp_path: Path) -> None:
    env = parcours_env(
        tmp_path,
        _PARCOURS_COMPLETE="complete_bash",
        COMP_WORDS="parcours barr",
        COMP_CWORD="1",
    )
    done = run(tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["barrier"]


@pytest.mark.parametrize(
    "args",
    [
        ["programme", "list", "--json"],  # fits the buffer: the pipe breaks at the last flush
        ["programme", "show", "atp-cergy", "--json"],  # breaks while the command prints
        ["programme", "show", "atp-cergy"],  # a rich table
        ["--help"],  # printed by typer, outside any command
    ],
    ids=" ".join,
)
def test_a_reader_gone_away_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first byte: every write breaks the pipe
    try:
        done = subprocess.run(
            [str(PARCOURS), *args],
            env=parcours_env(tmp_path),
            cwd=tmp_path,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert done.stderr == ""
    assert done.returncode == BROKEN_PIPE == 141


def test_head_cuts_the_json_short_without_a_message(tmp_path: Path) -> None:
    script = f'set -o pipefail; "{PARCOURS}" programme show atp-cergy --json | head -c1'
    done = subprocess.run(
        ["bash", "-c", script],
        env=parcours_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout == "{"
    assert done.stderr == ""
    # 141 when parcours was still writing as head left, 0 when head read it all in time.
    assert done.returncode in (0, BROKEN_PIPE)


NOT_FOR_A_REASON = tuple(name for name in NOT_FOR_AN_ACTION if name != "sqlalchemy")
"""A reason typed may name the person: it is sealed under their key, read from the read
model (SQLAlchemy); nothing else is needed more than for an action without one."""


@pytest.mark.temporal
def test_signed_commands_carried_out_import_only_what_they_need(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    """As staff run them, with a credential that signs and a service that answers: the
    whole command, not only up to its connection."""
    cli, _ = signed_cli
    pathway_id = refer(cli)
    mine = {k: v for k, v in parcours_env(tmp_path).items() if k != "PARCOURS_ACTOR"}
    env = {**mine, **cli.env}  # the actor and role are the credential's
    for args in (["contact", pathway_id], ["list"], ["list", "--programme", "atp-cergy"]):
        modules = imported(tmp_path, *args, env=env, succeeds=True)
        assert "parcours.app.signed_client" in modules or args[0] == "list"
        assert pulled_in(modules, NOT_FOR_AN_ACTION) == [], args
    reason = ["--reason", "called"]
    modules = imported(tmp_path, "contact", pathway_id, *reason, env=env, succeeds=True)
    assert "sqlalchemy" in modules  # the measure itself works: the key was read
    assert pulled_in(modules, NOT_FOR_A_REASON) == []
    modules = imported(tmp_path, "alerts", "--all", env=env, succeeds=True)
    assert "sqlalchemy" in modules  # read from the read model, not from each pathway
    assert pulled_in(modules, NOT_FOR_A_LISTING) == []


NOT_FOR_A_LISTING = (*NOT_FOR_A_REASON, "temporalio")
"""`alerts --all` reads the read model alone: no Temporal client, no option's pydantic."""
