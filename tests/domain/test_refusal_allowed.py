"""What a refusal offers instead: a refusal of the step lists what the actor may do now.

A refusal about an unknown record, or about the actor's role, is no exception: it lists
the triggers the pathway allows that role now, not nothing and not every staff action.
A refusal of the input itself (a blank text, a date beyond its horizon) lists nothing:
no other action mends a typing slip (`tests/domain/test_inputs.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import NotPermitted, UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.permissions import PERMISSIONS
from parcours.domain.records import Actor, RequestMeta
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


ROLE_REFUSALS = [
    pytest.param(Role.STAFF, c.AssignReferent("staff-0001"), id="staff-assigning-a-referent"),
    pytest.param(Role.PARTNER, c.WorkOnBarrier("b1"), id="partner-working-on-a-barrier"),
]


@pytest.mark.parametrize(("role", "command"), ROLE_REFUSALS)
@pytest.mark.parametrize("way", [_check, _execute], ids=["check", "execute"])
def test_a_refusal_for_the_role_lists_what_that_role_may_do_now(
    role: Role,
    command: c.Command,
    way: Callable[[Pathway], Callable[[c.Command, RequestMeta], object]],
) -> None:
    pathway = new_pathway(ATP)
    with pytest.raises(NotPermitted) as refused:
        way(pathway)(command, meta(Actor("someone-1", role)))
    assert refused.value.allowed == pathway.allowed_triggers(role)
    assert set(refused.value.allowed) < PERMISSIONS[role]
    assert (refused.value.code, refused.value.rule) == ("role_may_not", "role_permission")
