"""Who may fire what, whatever the client: each role against representative triggers,
through `authorise` and through a pathway; and moves refused without a reason.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused, NotPermitted
from parcours.domain.pathway import Pathway
from parcours.domain.permissions import PERMISSIONS, REASON_REQUIRED, authorise
from parcours.domain.programme import MOVE_TRIGGERS, ProgrammeDefinition
from parcours.domain.records import Actor
from parcours.domain.vocabulary import BarrierKind, Role, Stage
from tests.domain.helpers import (
    ATP,
    PROGRAMME_IDS,
    PROGRAMMES,
    SYSTEM_ACTOR,
    canonical,
    drive_to,
)
from tests.support import AUDITOR, COORDINATOR, STAFF, T0, meta, referral

PARTNER = Actor("partner-5e1d", Role.PARTNER)
ACTORS = {
    Role.STAFF: STAFF,
    Role.COORDINATOR: COORDINATOR,
    Role.PARTNER: PARTNER,
    Role.AUDITOR: AUDITOR,
    Role.SYSTEM: SYSTEM_ACTOR,
}

# role -> trigger -> may it fire? Written by hand from the roles of DOMAIN.md.
MATRIX: dict[Role, dict[str, bool]] = {
    Role.STAFF: {
        "refer": True,
        "complete_intake": True,
        "sign_contract": True,
        "record_contact": True,
        "waive_barrier": True,
        "start_mission": True,
        "suspend": True,
        "resume": True,
        "exit": True,
        "acknowledge_alert": True,
        "assign_referent": False,
        "record_notification_failure": False,
    },
    Role.COORDINATOR: {
        "refer": True,
        "complete_intake": True,
        "exit": True,
        "reenter": True,
        "snooze_alert": True,
        "assign_referent": True,
        "record_notification_failure": False,
    },
    Role.PARTNER: {
        "refer": True,
        "record_contact": True,
        "start_mission": True,
        "end_mission": True,
        "complete_intake": False,
        "sign_contract": False,
        "enrol_training": False,
        "give_consent": False,
        "acknowledge_alert": False,
        "exit": False,
        "assign_referent": False,
    },
    Role.AUDITOR: {
        "refer": False,
        "record_contact": False,
        "complete_intake": False,
        "acknowledge_alert": False,
        "exit": False,
        "record_notification_failure": False,
    },
    Role.SYSTEM: {
        "record_notification_failure": True,
        "refer": False,
        "record_contact": False,
        "acknowledge_alert": False,
        "exit": False,
    },
}

AUTHORISE_CASES = [
    pytest.param(role, trigger, ok, id=f"{role.value}-{trigger}-{'may' if ok else 'may-not'}")
    for role, triggers in MATRIX.items()
    for trigger, ok in triggers.items()
]


@pytest.mark.parametrize(("role", "trigger", "ok"), AUTHORISE_CASES)
def test_authorise(role: Role, trigger: str, ok: bool) -> None:
    if ok:
        authorise(role, trigger)
        assert trigger in PERMISSIONS[role]
        return
    with pytest.raises(NotPermitted) as refused:
        authorise(role, trigger)
    err = refused.value
    assert err.rule == "role_permission"
    assert err.message == f"the {role.value} role may not {trigger.replace('_', ' ')}"
    assert err.allowed == tuple(sorted(PERMISSIONS[role]))
    assert trigger not in err.allowed


def test_the_auditor_only_reads() -> None:
    assert PERMISSIONS[Role.AUDITOR] == frozenset()


def test_every_role_is_known() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert PERMISSIONS[Role.STAFF] < PERMISSIONS[Role.COORDINATOR]
    assert PERMISSIONS[Role.STAFF] >= MOVE_TRIGGERS


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SYSTEM], ids=str)
def test_refer_is_refused_to_roles_that_do_not_refer(role: Role) -> None:
    with pytest.raises(NotPermitted) as refused:
        Pathway.refer(ATP, "pw-x", referral(), meta(ACTORS[role]), T0)
    assert refused.value.message == f"the {role.value} role may not refer"


def test_a_partner_may_refer() -> None:
    pathway = Pathway.refer(ATP, "pw-x", referral(), meta(PARTNER), T0)
    assert pathway.state.timeline[0].role is Role.PARTNER


PATHWAY_CASES = [
    pytest.param(programme, role, trigger, stage, id=f"{programme.name}-{role.value}-{trigger}")
    for programme in PROGRAMMES
    for role, trigger, stage in [
        (Role.PARTNER, "complete_intake", Stage.REFERRED),
        (Role.PARTNER, "start_mission", Stage.AWAITING_MISSION),
        (Role.PARTNER, "end_mission", Stage.IN_EMPLOYMENT),
        (Role.PARTNER, "record_contact", Stage.COACHING),
        (Role.PARTNER, "exit", Stage.COACHING),
        (Role.AUDITOR, "record_contact", Stage.COACHING),
        (Role.SYSTEM, "start_coaching", Stage.BARRIER_WORK),
        (Role.SYSTEM, "record_notification_failure", Stage.EXITED),
        (Role.STAFF, "assign_referent", Stage.COACHING),
        (Role.STAFF, "record_notification_failure", Stage.COACHING),
        (Role.COORDINATOR, "assign_referent", Stage.COACHING),
        (Role.COORDINATOR, "drop_out", Stage.COACHING),
    ]
]


@pytest.mark.parametrize(("programme", "role", "trigger", "stage"), PATHWAY_CASES)
def test_the_pathway_checks_the_role_first(
    programme: ProgrammeDefinition, role: Role, trigger: str, stage: Stage
) -> None:
    pathway, now = drive_to(programme, stage)
    command = canonical(trigger, pathway, now)
    assert command is not None
    request = meta(ACTORS[role], reason="asked by the participant")
    listed = pathway.allowed_triggers(role)
    assert set(listed) <= PERMISSIONS[role]
    if trigger in PERMISSIONS[role]:
        assert trigger in listed
        assert pathway.may(command, request)
        pathway.execute(command, request, now)
        assert pathway.state.timeline[-1].role is role
        return
    assert trigger not in listed
    before = asdict(pathway.state)
    with pytest.raises(NotPermitted) as refused:
        pathway.check(command, request)
    assert refused.value.rule == "role_permission"
    with pytest.raises(NotPermitted):
        pathway.execute(command, request, now)
    assert asdict(pathway.state) == before


# -- reasons ---------------------------------------------------------------------------


def test_the_moves_that_need_a_reason() -> None:
    """And the corrections, whose reason rule is tested with them (`test_corrections.py`)."""
    corrections = {"void_event", "restate_event"}
    assert {"waive_barrier", "suspend", "drop_out", "exit", "reenter"} | corrections == (
        REASON_REQUIRED
    )


MACHINE_REASON_REQUIRED = sorted(REASON_REQUIRED - {"void_event", "restate_event"})


REASON_STAGE = {
    "waive_barrier": Stage.BARRIER_WORK,
    "suspend": Stage.COACHING,
    "drop_out": Stage.COACHING,
    "exit": Stage.IN_EMPLOYMENT,
    "reenter": Stage.DROPPED_OUT,
}
REASON_CASES = [
    pytest.param(programme, trigger, blank, id=f"{programme.name}-{trigger}-{name}")
    for programme in PROGRAMMES
    for trigger in MACHINE_REASON_REQUIRED
    for name, blank in (("empty", ""), ("blank", " \t "))
]


def ready_for(programme: ProgrammeDefinition, trigger: str) -> tuple[Pathway, c.Command]:
    pathway, now = drive_to(programme, REASON_STAGE[trigger])
    if trigger == "waive_barrier":
        pathway.execute(c.OpenBarrier(BarrierKind.HEALTH), meta(), now)
    command = canonical(trigger, pathway, now)
    assert command is not None
    assert trigger in pathway.allowed_triggers(Role.STAFF)
    return pathway, command


@pytest.mark.parametrize(("programme", "trigger", "blank"), REASON_CASES)
def test_reason_required_refuses_without_a_reason(
    programme: ProgrammeDefinition, trigger: str, blank: str
) -> None:
    pathway, command = ready_for(programme, trigger)
    before = asdict(pathway.state)
    assert not pathway.may(command, meta(reason=blank))
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(command, meta(reason=blank), T0)
    assert refused.value.rule == "reason_required"
    assert refused.value.message == (
        f"{trigger.replace('_', ' ')} needs a reason; give one with the request"
    )
    assert asdict(pathway.state) == before


@pytest.mark.parametrize("trigger", MACHINE_REASON_REQUIRED)
@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_reason_required_accepts_and_records_the_reason(
    programme: ProgrammeDefinition, trigger: str
) -> None:
    pathway, command = ready_for(programme, trigger)
    reason = "the participant moved to Lyon"
    event = pathway.execute(command, meta(reason=reason), T0)
    assert event.reason == reason
    if trigger == "waive_barrier":
        assert pathway.state.barriers[0].waiver_reason == reason


@pytest.mark.parametrize(
    "trigger", ["record_contact", "sign_contract", "complete_intake", "resume", "end_mission"]
)
def test_other_moves_need_no_reason(trigger: str) -> None:
    stage = {
        "record_contact": Stage.COACHING,
        "sign_contract": Stage.BARRIER_WORK,
        "complete_intake": Stage.REFERRED,
        "resume": Stage.SUSPENDED,
        "end_mission": Stage.IN_EMPLOYMENT,
    }[trigger]
    pathway, now = drive_to(ATP, stage)
    command = canonical(trigger, pathway, now)
    assert command is not None
    assert trigger not in REASON_REQUIRED
    event = pathway.execute(command, meta(reason=""), now)
    assert event.reason == ""
