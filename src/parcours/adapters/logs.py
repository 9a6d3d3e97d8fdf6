"""Structured JSON logs for every parcours process, through structlog.

Standard-library loggers (the Temporal SDK's workflow and activity loggers among them) are
rendered by the same structlog processors, so one line format reaches the operator. The
SDK's workflow logger already stays silent while a workflow replays, so a replayed
history never logs twice. Log lines carry opaque ids, stages and rules: never a name,
a birth date, an address or any free text typed about a participant.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import IO, Any

import structlog
from temporalio import activity, workflow

_CONFIGURED_HANDLER = "parcours-json"

QUIET_LOGGERS = {"transitions": logging.WARNING, "temporalio.bridge": logging.WARNING}
"""`transitions` logs every state change at INFO, and would do it again on every replay."""


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def configure_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """Route structlog and standard logging to one JSON handler; calling it twice is harmless."""
    _install(logging.StreamHandler(stream or sys.stderr), _json_formatter(), level)


def _json_formatter() -> logging.Formatter:
    """Configure structlog to hand its events to standard logging, and return the one JSON
    formatter every handler uses. The SDK's loggers add their context as fields
    (`temporal_workflow`), not to the text."""
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared_processors(), structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
    )
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    return formatter


def _install(handler: logging.Handler, formatter: logging.Formatter, level: int) -> None:
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _CONFIGURED_HANDLER:
            root.removeHandler(old)
            if isinstance(old, logging.FileHandler):
                old.close()
    handler.set_name(_CONFIGURED_HANDLER)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(quiet)


def configure_file_logging(path: Path, level: int = logging.INFO) -> None:
    """JSON lines appended to a file: the CLI's own trace, kept off the user's terminal.

    The file handler replaces the configured one directly: no handler on the terminal is
    installed in between, where another thread's log line could reach the user's screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _install(logging.FileHandler(path, encoding="utf-8"), _json_formatter(), level)


def get_logger(name: str) -> Any:
    """A structlog logger; keyword arguments become JSON fields."""
    return structlog.stdlib.get_logger(name)
