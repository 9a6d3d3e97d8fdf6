"""Pathways of one programme share its definition instead of holding a copy each."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from parcours.domain.programme import ProgrammeDefinition, shared_definition
from parcours.programmes import get_programme


def test_equal_data_gives_the_same_two_objects() -> None:
    data = get_programme("atp-cergy").model_dump(mode="json")
    again = json.loads(json.dumps(data))  # equal, decoded apart, as each pathway's input is
    first, second = shared_definition(data), shared_definition(again)
    assert first[0] is second[0]
    assert first[1] is second[1]
    assert first[0] == ProgrammeDefinition.model_validate(again)
    assert second[1] == again


def test_other_data_gives_its_own_definition() -> None:
    atp = get_programme("atp-cergy").model_dump(mode="json")
    nd = get_programme("nouveau-depart").model_dump(mode="json")
    assert shared_definition(atp)[0].name == "atp-cergy"
    assert shared_definition(nd)[0].name == "nouveau-depart"


def test_data_that_does_not_validate_raises_every_time() -> None:
    data = {**get_programme("atp-cergy").model_dump(mode="json"), "moves": []}
    for _ in range(2):
        with pytest.raises(ValidationError):
            shared_definition(data)
