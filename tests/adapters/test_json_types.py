"""The cached dataclass conversion reads every payload exactly as temporalio's own does."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.converter import DataConverter, DefaultPayloadConverter, JSONTypeConverter

from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.json_types import CachedDataclasses, PayloadConverter
from parcours.audit.history import read_history_file
from parcours.audit.recording import record_of
from parcours.domain.commands import OpenBarrier, ScheduleAppointment
from parcours.domain.vocabulary import AppointmentKind, AppointmentPlace, BarrierKind
from tests.histories.record import history_keyring

HISTORIES = sorted(Path(__file__).parents[1].joinpath("histories").glob("*.json"))
NOT_FOLDED = {"keys.json", "refused-referral-start.json", "unsigned-referral-refused.json"}
"""The key file, and histories whose referral was refused (by the domain, or by the worker
for its signature): nothing to read as a pathway."""


def temporalio_own() -> DataConverter:
    """The same converter with temporalio's default payload conversion."""
    converter = data_converter(history_keyring())
    return dataclasses.replace(converter, payload_converter_class=DefaultPayloadConverter)


@pytest.mark.parametrize(
    "path", [p for p in HISTORIES if p.name not in NOT_FOLDED], ids=lambda p: p.stem
)
async def test_a_history_reads_the_same_as_with_temporalio_own_conversion(path: Path) -> None:
    history = read_history_file(path)
    ours = await record_of(history, data_converter(history_keyring()))
    theirs = await record_of(history, temporalio_own())
    assert ours == theirs
    assert sum(len(task.commands) for task in ours.tasks) > 0  # commands were read


async def test_commands_round_trip_with_their_enums_and_instants() -> None:
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    commands = [
        ScheduleAppointment(
            at=at, kind=AppointmentKind.COACHING, place=AppointmentPlace.PHONE, late_slot=True
        ),
        OpenBarrier(kind=BarrierKind.HOUSING, aid_requested=True),
    ]
    ours, theirs = PayloadConverter(), DefaultPayloadConverter()
    for command in commands:
        payload = theirs.to_payloads([command])
        assert ours.from_payloads(payload, [type(command)]) == [command]
        assert theirs.from_payloads(payload, [type(command)]) == [command]


@pytest.mark.parametrize(
    ("hint", "value"),
    [
        (OpenBarrier, ["not", "a", "dict"]),
        (OpenBarrier, {"kind": 7}),
        (BarrierKind, 3),
        (OpenBarrier, {"kind": "housing", "aid_requested": "yes"}),
    ],
)
def test_what_temporalio_refuses_is_refused_the_same_way(hint: type, value: object) -> None:
    converter = CachedDataclasses()
    with pytest.raises(TypeError):
        converter.to_typed_value(hint, value)


def test_what_is_neither_a_dataclass_nor_an_enum_is_left_to_temporalio() -> None:
    converter = CachedDataclasses()
    for hint in (datetime, str, int, list[str], dict[str, int], type(None)):
        assert converter.to_typed_value(hint, "x") is JSONTypeConverter.Unhandled
