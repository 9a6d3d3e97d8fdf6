"""Payloads back into dataclasses, with each class's field types worked out once.

temporalio's JSON converter turns a payload's dict into the dataclass the workflow or
activity expects by asking `typing.get_type_hints` for the class, for every value it
converts: for a pathway's history that is tens of thousands of calls, each evaluating
every annotation string again, and a third of `audit at`'s time; each enum value costs
an `inspect.getattr_static` as well. `CachedDataclasses` converts dataclasses and str or
int enums exactly as temporalio does (same fields, same per-field conversion, same
errors, `init=False` fields restored), with what it learns of each class kept once
computed. Everything else is left to temporalio.

The module holds no state but that cache of pure facts about classes, so workflow code
may share it: it is passed through the sandbox (`workflows.sandbox.PASSED_THROUGH`).
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from functools import cache
from typing import Any, Literal, get_type_hints

from temporalio.converter import (
    CompositePayloadConverter,
    DefaultPayloadConverter,
    EncodingPayloadConverter,
    JSONPlainPayloadConverter,
    JSONTypeConverter,
    value_to_type,
)


@cache
def _fields_of(hint: type) -> tuple[tuple[str, bool, Any], ...]:
    """Each field's name, whether `__init__` takes it, and its resolved type hint."""
    hints = get_type_hints(hint)
    return tuple((f.name, f.init, hints[f.name]) for f in dataclasses.fields(hint))


Kind = Literal["dataclass", "str_enum", "int_enum", "other"]


@cache
def _kind(hint: Any) -> Kind:
    if not isinstance(hint, type):
        return "other"
    if dataclasses.is_dataclass(hint):
        return "dataclass"
    if issubclass(hint, Enum):
        return (
            "int_enum"
            if issubclass(hint, int)
            else "str_enum"
            if issubclass(hint, str)
            else "other"
        )
    return "other"


class CachedDataclasses(JSONTypeConverter):
    """temporalio's dataclass and enum conversion, with each class's facts cached."""

    def to_typed_value(self, hint: type, value: Any) -> Any:
        try:
            kind = _kind(hint)
        except TypeError:  # a hint that cannot be a cache key: temporalio's own way
            return JSONTypeConverter.Unhandled
        if kind == "dataclass":
            return _dataclass(hint, value)
        if kind == "other":
            return JSONTypeConverter.Unhandled
        wanted, named = (str, "a string") if kind == "str_enum" else (int, "an integer")
        if not isinstance(value, wanted):
            raise TypeError(f"Cannot convert to enum {hint}, value not {named}, is {type(value)}")
        return hint(value)


def _dataclass(hint: type, value: Any) -> Any:
    if not isinstance(value, dict):
        raise TypeError(f"Cannot convert to dataclass {hint}, value is {type(value)} not dict")
    given: dict[str, Any] = {}
    later: dict[str, Any] = {}
    for name, init, field_hint in _fields_of(hint):
        if name not in value:
            continue  # a required field missing fails below, as in temporalio
        try:
            converted = value_to_type(field_hint, value[name], CONVERTERS)
        except Exception as err:
            raise TypeError(f"Failed converting field {name} on dataclass {hint}") from err
        (given if init else later)[name] = converted
    made = hint(**given)
    for name, field_value in later.items():
        object.__setattr__(made, name, field_value)
    return made


CONVERTERS: tuple[JSONTypeConverter, ...] = (CachedDataclasses(),)


class PayloadConverter(CompositePayloadConverter):
    """temporalio's default payload converters, its JSON one with `CachedDataclasses`."""

    def __init__(self) -> None:
        super().__init__(
            *(_with_cache(c) for c in DefaultPayloadConverter.default_encoding_payload_converters)
        )


def _with_cache(converter: EncodingPayloadConverter) -> EncodingPayloadConverter:
    if isinstance(converter, JSONPlainPayloadConverter):
        return JSONPlainPayloadConverter(custom_type_converters=list(CONVERTERS))
    return converter
