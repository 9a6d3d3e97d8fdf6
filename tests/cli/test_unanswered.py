"""A command nobody answers ends with exit 5 and one sentence giving the way out.

With no worker, an action says that it may still apply, the request id it was sent
with and the exact command to run to find out; run again with that `--request-id` once a
worker is back, it is recorded once. A read says nothing was read or changed, within
seconds. With the service down, the sentence says nothing was sent. The worker is a
real one on the session's dev server, stopped and started again within the test.
"""

from __future__ import annotations

import json
import re
import shlex
import time

import pytest
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, ThreadedWorker, refer

NO_WORKER, NO_POLLER, SERVICE_LOST = "no_worker", "no_worker_running", "service_lost"
"""What `app.errors.unanswered` says of each shape (imported in the test, so that the
others run, and fail, on a tree without it)."""

SHORT_WAIT = "3"
"""PARCOURS_ANSWER_TIMEOUT for the actions sent with no worker: they wait that long."""

COMMAND = re.compile(r"`(parcours [^`]*)`")
REQUEST_ID = re.compile(r"request id (req-[0-9a-f]+)")


def worker(cli_env: dict[str, str], settings: Settings) -> ThreadedWorker:
    return ThreadedWorker(cli_env["PARCOURS_TEMPORAL_ADDRESS"], settings)


def said_command(stderr: str) -> list[str]:
    """The command the sentence says to run, as arguments for `Cli` (without `parcours`)."""
    found = COMMAND.search(stderr)
    assert found, stderr
    return shlex.split(found.group(1))[1:]


def events(cli: Cli, pathway_id: str) -> list[dict[str, object]]:
    result = cli("timeline", pathway_id, "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


@pytest.mark.temporal
def test_an_action_no_worker_answers_is_recorded_once_when_run_again_as_the_sentence_says(
    cli_env: dict[str, str], cli_settings: Settings
) -> None:
    cli = Cli(cli_env)
    with worker(cli_env, cli_settings):
        pathway_id = refer(cli)
        before = events(cli, pathway_id)

    sent = cli("contact", pathway_id, "--reason", "phoned back", PARCOURS_ANSWER_TIMEOUT=SHORT_WAIT)

    assert sent.exit_code == ExitCode.UNAVAILABLE, sent.output
    assert "Traceback" not in sent.output
    said = sent.stderr
    assert "may still apply" in said, said
    request_id = REQUEST_ID.search(said)
    assert request_id, said
    again = said_command(said)
    assert again == [
        "contact",
        pathway_id,
        "--reason",
        "phoned back",
        "--request-id",
        request_id.group(1),
    ]
    with worker(cli_env, cli_settings):
        retried = cli(*again)
        assert retried.exit_code == 0, retried.output
        assert "Already recorded" in retried.stdout or "Done" in retried.stdout
        after = events(cli, pathway_id)
    assert len(after) == len(before) + 1, (before, after)


REFERRAL = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "r",
            "--first-name", "Ana", "--last-name", "Ibis", "--birth-date", "1990-01-01")  # fmt: skip


@pytest.mark.temporal
@pytest.mark.parametrize(
    ("lang", "words", "referral_words"),
    [
        ("en", "may still apply", "the referral may not be complete"),
        ("fr", "peut encore s'appliquer", "l'orientation n'est peut-être pas achevée"),
    ],
)
def test_every_action_left_unanswered_names_its_request_id_in_both_languages(
    cli_env: dict[str, str], cli_settings: Settings, lang: str, words: str, referral_words: str
) -> None:
    cli = Cli(cli_env)
    with worker(cli_env, cli_settings):
        pathway_id = refer(cli)
    for args, said in (
        (("correct", pathway_id, "1", "--reason", "wrong day", "--on", "2026-01-05"), words),
        (REFERRAL, referral_words),
    ):
        sent = cli("--lang", lang, *args, PARCOURS_ANSWER_TIMEOUT=SHORT_WAIT)
        assert sent.exit_code == ExitCode.UNAVAILABLE, (args, sent.output)
        assert said in sent.stderr, sent.stderr
        request_id = re.search(r"req-[0-9a-f]{32}", sent.stderr)
        assert request_id, sent.stderr
        again = said_command(sent.stderr)
        assert again[-2:] == ["--request-id", request_id.group()]
        assert again[: len(args)] == ["--lang", lang, *args[:-2]]


@pytest.mark.temporal
def test_a_referral_no_worker_answers_is_completed_by_running_it_again(
    cli_env: dict[str, str], cli_settings: Settings
) -> None:
    """A trial's referral, sent with no worker, claimed the person and never started their
    pathway; a plain referral then named that pathway, which `show` did not find."""
    cli = Cli(cli_env)
    sent = cli(*REFERRAL, PARCOURS_ANSWER_TIMEOUT=SHORT_WAIT)
    assert sent.exit_code == ExitCode.UNAVAILABLE, sent.output
    assert "the referral may not be complete" in sent.stderr, sent.stderr
    again = said_command(sent.stderr)
    with worker(cli_env, cli_settings):
        plain = cli(*REFERRAL)
        assert plain.exit_code == ExitCode.REFUSED, plain.output
        assert "was begun and not completed" in plain.stderr, plain.stderr
        assert "Run that command again with the request id it printed" in plain.stderr
        completed = cli(*again)
        assert completed.exit_code == 0, completed.output
        listed = cli("list", "--json")
    assert len(json.loads(listed.stdout)) == 1, listed.stdout


def test_a_timeout_shorter_than_a_second_is_said_as_typed() -> None:
    """A trial's `PARCOURS_ANSWER_TIMEOUT=0.5` was said "within 0 s"."""
    from types import SimpleNamespace

    from parcours.cli.answers import unanswered
    from parcours.cli.i18n import Text

    session = SimpleNamespace(text=Text("en"), settings=Settings.from_env({}), sent_request=None)
    said = str(unanswered(session, NO_WORKER, 0.5))
    assert "No worker answered within 0.5 s" in said, said
    french = SimpleNamespace(text=Text("fr"), settings=session.settings, sent_request=None)
    assert "Aucun worker n'a répondu en 0,5 s" in str(unanswered(french, NO_WORKER, 0.5))


@pytest.mark.temporal
@pytest.mark.parametrize("read", ["show", "timeline", "next"])
def test_a_read_no_worker_answers_ends_with_exit_5_within_seconds(
    cli_env: dict[str, str], cli_settings: Settings, read: str
) -> None:
    """At the default answer timeout (30 s): a question waits 10 s at most."""
    cli = Cli(cli_env)
    with worker(cli_env, cli_settings):
        pathway_id = refer(cli)

    started = time.monotonic()
    result = cli(read, pathway_id)

    assert time.monotonic() - started < 20
    assert result.exit_code == ExitCode.UNAVAILABLE, result.output
    assert "nothing was read or changed" in result.stderr, result.stderr
    assert "may still apply" not in result.stderr
    assert said_command(result.stderr) == [read, pathway_id]


@pytest.mark.parametrize(
    ("lang", "args", "again"),
    [
        (
            "en",
            ("contact", "ab12", "--reason", "phoned back"),
            "contact ab12 --reason 'phoned back'",
        ),
        ("en", ("contact", "abcd", "--reason", "called"), "contact abcd --reason called"),
        ("fr", ("show", "abcd", "--json"), "show abcd --json"),
        ("en", ("alerts", "--status", "open"), "alerts --status open"),
    ],
)
def test_a_service_down_is_its_own_sentence_with_the_command_to_run_again(
    offline_cli: Cli, lang: str, args: tuple[str, ...], again: str
) -> None:
    result = offline_cli("--lang", lang, *args)

    assert result.exit_code == ExitCode.UNAVAILABLE, result.output
    words = {"en": "cannot be reached, so nothing was sent", "fr": "injoignable, donc rien"}
    assert words[lang] in result.stderr, result.stderr
    assert f"`parcours --lang {lang} {again}`" in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("raised", "why"),
    [
        (TimeoutError(), NO_WORKER),
        (WorkflowUpdateRPCTimeoutOrCancelledError(), NO_WORKER),
        (RPCError("Timeout expired", RPCStatusCode.CANCELLED, b""), NO_WORKER),
        (RPCError("deadline", RPCStatusCode.DEADLINE_EXCEEDED, b""), NO_WORKER),
        (
            RPCError(
                "no poller seen for task queue recently", RPCStatusCode.FAILED_PRECONDITION, b""
            ),
            NO_POLLER,
        ),
        (
            RPCError("h2 protocol error: error reading a body", RPCStatusCode.UNKNOWN, b""),
            SERVICE_LOST,
        ),
        (RPCError("tcp connect error", RPCStatusCode.UNAVAILABLE, b""), SERVICE_LOST),
        (RuntimeError("Failed client connect: connection refused"), SERVICE_LOST),
        (RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b""), None),
        (RPCError("bad request", RPCStatusCode.INVALID_ARGUMENT, b""), None),
        (ValueError("connection"), None),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_every_shape_the_sdk_says_no_answer_in_is_known(
    raised: BaseException, why: str | None
) -> None:
    from parcours.app import errors

    assert (errors.NO_WORKER, errors.NO_POLLER, errors.SERVICE_LOST) == (
        NO_WORKER,
        NO_POLLER,
        SERVICE_LOST,
    )
    assert errors.unanswered(raised) == why
