"""Structured JSON logs: one format for structlog and standard logging, nothing personal."""

from __future__ import annotations

import io
import json
import logging
from contextlib import redirect_stderr

from parcours.adapters.logs import configure_logging, get_logger


def test_structlog_and_stdlib_lines_are_json_with_fields() -> None:
    out = io.StringIO()
    configure_logging(logging.INFO, out)
    get_logger("parcours.test").info("command applied", pathway_id="pathway-0123", seq=4)
    logging.getLogger("temporalio.workflow").info(
        "from the sdk", extra={"pathway_event": "contract_signed"}
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["event"] == "command applied"
    assert lines[0]["pathway_id"] == "pathway-0123"
    assert lines[0]["level"] == "info"
    assert "timestamp" in lines[0]
    assert lines[1]["event"] == "from the sdk"
    assert lines[1]["pathway_event"] == "contract_signed"


def test_configuring_twice_does_not_duplicate_lines() -> None:
    out = io.StringIO()
    configure_logging(logging.INFO, out)
    configure_logging(logging.INFO, out)
    get_logger("parcours.test").info("once")
    assert len(out.getvalue().splitlines()) == 1


def test_transitions_stays_quiet() -> None:
    out = io.StringIO()
    configure_logging(logging.INFO, out)
    logging.getLogger("transitions.core").info("Entered state coaching")
    assert out.getvalue() == ""


def test_lines_go_to_the_stderr_of_the_moment_not_of_the_configuration() -> None:
    """A command run in-process configures logging while stderr is a buffer it closes
    afterwards: a line logged later reaches the stderr of that later moment."""
    first, later = io.StringIO(), io.StringIO()
    with redirect_stderr(first):
        configure_logging(logging.WARNING)
    first.close()
    with redirect_stderr(later):
        logging.getLogger("parcours.test").warning("after the command")
    assert json.loads(later.getvalue())["event"] == "after the command"
