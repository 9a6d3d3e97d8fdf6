"""What `parcours import` says: each refused row in one line, the progress, the summary.

A refused row names its file, its row as the spreadsheet numbers it, the column (in the
reader's language), the rule that refused it and what is allowed instead: the values a
column takes, or the actions the pathway allowed at that point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.cli.i18n import Text
from parcours.cli.labels import action_labels, listed, word
from parcours.cli.refusals import refusal_reason, typed_fault

if TYPE_CHECKING:
    from parcours.app.importing import RowOutcome
    from parcours.domain.importing.cells import Fault


def column_label(name: str, text: Text) -> str:
    """A column as the reader's template heads it."""
    from parcours.domain.importing.columns import EVENTS, PEOPLE

    for column in (*PEOPLE, *EVENTS):
        if column.name == name:
            return column.header(text.lang)
    return name


def fault_line(fault: Fault, text: Text) -> str:
    """One line: where, why, what was allowed then, and which rule refused it."""
    message = _why(fault, text).rstrip(".")
    then = text("import.allowed_then", allowed=action_labels(fault.allowed, text))
    values = {"file": fault.file, "row": fault.line, "rule": fault.rule, "message": message}
    values["then"] = f" {then}" if fault.allowed else ""
    if fault.column:
        return text("import.fault", column=column_label(fault.column, text), **values)
    return text("import.fault_row", **values)


def _why(fault: Fault, text: Text) -> str:
    values = dict(fault.values)
    if fault.rule == "import_cell":
        if "column" in values:
            values["column"] = column_label(values["column"], text)
        return _said(f"import.cell.{fault.code}", values, fault.message, text)
    if fault.code == "reason_required":
        action = word("action", values.get("trigger", ""), text)
        return text("import.reason_needed", action=action)
    if fault.rule == "referral" and fault.code.startswith("name_"):
        fault_name, column = fault.code.removeprefix("name_"), values.get("column", "")
        return typed_fault(fault_name, column, values.get("found", ""), text)
    said = refusal_reason(fault.code, values, fault.message, text)
    if fault.code in SESSION_CODES:
        open_ones = values["open"].split(", ") if values.get("open") else []
        shown = listed(open_ones, text)
        return text(
            "import.session_refused", message=said, programme=values["programme"], open=shown
        )
    return said


SESSION_CODES = frozenset({"session_unknown", "session_closed"})
"""A row's session refused: the sessions open instead are named."""


def _said(key: str, values: dict[str, str], fallback: str, text: Text) -> str:
    try:
        return text(key, **values)
    except (KeyError, IndexError):
        return fallback


def outcome_line(outcome: RowOutcome, text: Text) -> str | None:
    """The line of a row the service did not take in full; None for the others."""
    from parcours.app.importing import Status

    row = outcome.plan.row
    if outcome.status is Status.ALREADY_IN_PROGRAMME:
        return text("import.already", file=row.file, row=row.line, pathway=outcome.pathway_id)
    if outcome.fault is not None:
        return fault_line(outcome.fault, text)
    return None


def counts(outcomes: Sequence[RowOutcome]) -> Counter[str]:
    return Counter(outcome.status.value for outcome in outcomes)


def fault_json(fault: Fault, text: Text) -> dict[str, Any]:
    return {
        "file": fault.file,
        "row": fault.line,
        "column": fault.column,
        "rule": fault.rule,
        "code": fault.code,
        "message": _why(fault, text),
        "values": dict(fault.values),
        "allowed": list(fault.allowed),
    }


def outcome_json(outcome: RowOutcome, text: Text) -> dict[str, Any]:
    row = outcome.plan.row
    found: dict[str, Any] = {
        "file": row.file,
        "row": row.line,
        "status": outcome.status.value,
        "pathway_id": outcome.pathway_id,
        "steps_sent": outcome.sent,
    }
    if outcome.fault is not None:
        found["refusal"] = fault_json(outcome.fault, text)
    return found
