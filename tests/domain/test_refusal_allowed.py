"""What a refusal offers instead: every refusal lists what the actor may do now.

A refusal about an unknown record, or about the actor's role, is no exception: it lists
the triggers the pathway allows that role now, not nothing and not every staff action.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import Role
from tests.domain.helpers import ATP, new_pathway
from tests.support import T0, meta

UNKNOWN_RECORDS = [
    pytest.param(c.WorkOnBarrier("b9"), id="barrier"),
    pytest.param(c.AcknowledgeAlert("no_contact:contact:20260101T0000"), id="alert"),
]


def _check(pathway: Pathway) -> Callable[[c.Command, RequestMeta], object]:
    return pathway.check


def _execute(pathway: Pathway) -> Callable[[c.Command, RequestMeta], object]:
    return lambda command, request: pathway.execute(command, request, T0)


@pytest.mark.parametrize("command", UNKNOWN_RECORDS)
@pytest.mark.parametrize("way", [_check, _execute], ids=["check", "execute"])
def test_a_refusal_about_an_unknown_record_lists_what_is_allowed_now(
    command: c.Command, way: Callable[[Pathway], Callable[[c.Command, RequestMeta], object]]
) -> None:
    pathway = new_pathway(ATP)
    with pytest.raises(UnknownReference) as unknown:
        way(pathway)(command, meta())
    assert unknown.value.allowed == pathway.allowed_triggers(Role.STAFF)
    assert unknown.value.allowed
