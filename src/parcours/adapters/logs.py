"""Structured JSON logs for every parcours process, through structlog.

Standard-library loggers (the Temporal SDK's workflow and activity loggers among them) are
rendered by the same structlog processors, so one line format reaches the operator. The
SDK's workflow logger already stays silent while a workflow replays, so a replayed
history never logs twice. Log lines carry opaque ids, stages and rules: never a name,
a birth date, an address or any free text typed about a participant.

The SDK's core (its Rust part: gRPC retries, pollers, workflow task failures) writes
coloured text to stdout by default. `route_core_logs` installs a runtime whose core logs
are forwarded to the `temporalio.core` logger instead, so they come out as the same JSON
lines, with their target and fields as fields. The core never sees a participant's
data: payloads are encrypted by the data converter before they reach it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import IO, Any

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

_CONFIGURED_HANDLER = "parcours-json"

QUIET_LOGGERS = {"transitions": logging.WARNING, "temporalio.bridge": logging.WARNING}
"""`transitions` logs every state change at INFO, and would do it again on every replay."""

CORE_LOGGER = "temporalio.core"
"""Where the SDK core's log lines arrive (`route_core_logs`)."""

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
"""A terminal colour or cursor sequence: never part of a JSON line."""

_core_routed: list[str] = []
"""The core level already routed in this process (a runtime is made once)."""


def _shared_processors() -> list[Any]:
    import structlog  # noqa: PLC0415 - a CLI command that logs nothing never imports it

    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _without_escapes(
    _logger: object, _name: str, event: MutableMapping[str, Any]
) -> Mapping[str, Any]:
    """Strip terminal sequences from the text fields of a line (a core error's text)."""
    return {
        key: ANSI_ESCAPE.sub("", value) if isinstance(value, str) else value
        for key, value in event.items()
    }


def configure_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """Route structlog, standard logging and the SDK core to one JSON handler; calling it
    twice is harmless."""
    handler = _CurrentStderr() if stream is None else logging.StreamHandler(stream)
    _install(handler, _json_formatter(), level)
    route_core_logs(level)


class _CurrentStderr(logging.StreamHandler[IO[str]]):
    """Lines to the process's stderr as it is when each line is written, not as it was when
    logging was configured: a command run in-process (the tests' runner) swaps stderr for
    a buffer it closes afterwards, and a line written later must not meet a closed file."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _ignored: IO[str]) -> None:
        """`StreamHandler` sets its stream; this one always reads the current stderr."""


def route_core_logs(level: int = logging.INFO) -> None:
    """Make the SDK core log through the `temporalio.core` logger, not to stdout.

    It installs the default Temporal runtime, so it must run before the process makes its
    first client; later clients, workers and dev servers all use it. The core logs at WARN
    (at DEBUG when `level` is), and is given its runtime once per process.
    """
    core_level = "DEBUG" if level <= logging.DEBUG else "WARN"
    if core_level in _core_routed:
        return
    core = logging.getLogger(CORE_LOGGER)
    if not any(isinstance(f, _CoreFields) for f in core.filters):
        core.addFilter(_CoreFields())
        core.addHandler(logging.NullHandler())  # no last-resort plain line when unconfigured
    forwarding = LogForwardingConfig(
        logger=core,
        append_target_to_name=False,
        prepend_target_on_message=False,
        append_log_fields_to_message=False,
    )
    only = TelemetryFilter(core_level=core_level, other_level="ERROR")
    logs = LoggingConfig(filter=only, forwarding=forwarding)
    Runtime.set_default(
        Runtime(telemetry=TelemetryConfig(logging=logs)), error_if_already_set=False
    )
    _core_routed[:] = [core_level]


class _CoreFields(logging.Filter):
    """A core line's target and fields as JSON fields, in place of the SDK's object."""

    def filter(self, record: logging.LogRecord) -> bool:
        entry = record.__dict__.pop("temporal_log", None)
        if entry is not None:
            record.core_target = str(getattr(entry, "target", ""))
            fields = getattr(entry, "fields", None) or {}
            record.core_fields = {str(k): ANSI_ESCAPE.sub("", str(v)) for k, v in fields.items()}
        return True


def _json_formatter() -> logging.Formatter:
    """Configure structlog to hand its events to standard logging, and return the one JSON
    formatter every handler uses. The SDK's loggers add their context as fields
    (`temporal_workflow`), not to the text."""
    import structlog  # noqa: PLC0415 - a CLI command that logs nothing never imports it
    from temporalio import activity, workflow  # noqa: PLC0415 - likewise

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
            _without_escapes,
            structlog.processors.JSONRenderer(sort_keys=True),
        ],
    )
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
    _structlog_ready[:] = [True]
    return formatter


_structlog_ready: list[bool] = []
"""Whether structlog is configured in this process (`_json_formatter` has run)."""


class _FirstLineFormatter(logging.Formatter):
    """The JSON formatter, made when the first line is written: a CLI command that logs
    nothing (most do) never imports structlog, a tenth of a staff action's time."""

    def __init__(self) -> None:
        super().__init__()
        self._made: logging.Formatter | None = None

    def format(self, record: logging.LogRecord) -> str:
        if self._made is None:
            from temporalio import workflow  # noqa: PLC0415 - as `_json_formatter`

            # A first line may come from a workflow (its logger): the imports it makes are
            # then the process's own modules, not copies the sandbox would build half-way.
            with workflow.unsafe.imports_passed_through():
                self._made = _json_formatter()
        return self._made.format(record)


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
    logging.captureWarnings(True)  # a Python warning is a JSON line too
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(quiet)


def configure_file_logging(path: Path, level: int = logging.INFO) -> None:
    """JSON lines appended to a file: the CLI's own trace, kept off the user's terminal.

    The file handler replaces the configured one directly: no handler on the terminal is
    installed in between, where another thread's log line could reach the user's screen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _install(logging.FileHandler(path, encoding="utf-8"), _FirstLineFormatter(), level)
    route_core_logs(level)


def get_logger(name: str) -> Any:
    """A structlog logger; keyword arguments become JSON fields. Structlog is configured at
    the first line logged if a handler is then waiting for it, so a logger made at import,
    before the command installed its handlers, still writes to them."""
    return _ReadyLogger(name)


class _ReadyLogger:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, method: str) -> Any:
        import structlog  # noqa: PLC0415 - a CLI command that logs nothing never imports it

        if not _structlog_ready and _configured_lazily():
            _json_formatter()
        return getattr(structlog.stdlib.get_logger(self._name), method)


def _configured_lazily() -> bool:
    return any(isinstance(h.formatter, _FirstLineFormatter) for h in logging.getLogger().handlers)
