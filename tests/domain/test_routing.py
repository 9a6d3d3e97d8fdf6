"""Who hears of what, table-driven over every route of every shipped programme.

For each route: an event it matches reaches exactly the route's partner kinds (plus the
evaluator, who hears of everything), each with exactly the fields the programme lists for
it; without consent, or after consent expired or was withdrawn, nothing is sent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition, Route
from parcours.domain.records import PathwayEvent
from parcours.domain.routing import notifications_for
from parcours.domain.vocabulary import PartnerKind, Role
from tests.domain.helpers import DAY, PROGRAMMES
from tests.support import T0, meta, referral

PERSON = {
    "first_name": "Zephyrine",
    "last_name": "Quillfeather",
    "birth_date": "1990-04-02",
    "phone": "+33 6 00 00 00 00",
    "email": "zq@example.org",
    "address": "1 rue de l'Exemple",
    "availability": "weekdays after 17:00",
    "skills": "cashier",
    "languages": "English",
}
AT = T0 + DAY


def consenting(
    programme: ProgrammeDefinition, *, expires_after: timedelta | None = None
) -> Pathway:
    pathway = Pathway.refer(programme, "pathway-00000000000000aa", referral(), meta(), T0)
    for kind in PartnerKind:
        expires = None if expires_after is None else T0 + expires_after
        pathway.execute(c.GiveConsent(kind, T0, expires_at=expires), meta(), T0)
    return pathway


def matching_event(route: Route) -> PathwayEvent:
    kind, _, rule = route.event.partition(":")
    details: dict[str, str] = {}
    if kind == "*":
        kind = "contact_recorded"
    if rule:
        details["rule"] = rule
    if route.barrier_kinds:
        details["kind"] = route.barrier_kinds[0].value
        details["aid"] = "True"
    if route.appointment_kinds:
        details["kind"] = route.appointment_kinds[0].value
    return PathwayEvent(
        seq=99, kind=kind, at=AT, actor_id="staff-1", role=Role.STAFF, details=details
    )


CASES = [
    pytest.param(programme, index, id=f"{programme.name}-{index}-{route.event}")
    for programme in PROGRAMMES
    for index, route in enumerate(programme.routes)
]


@pytest.mark.parametrize(("programme", "index"), CASES)
def test_each_route_reaches_its_partners_with_their_fields_only(
    programme: ProgrammeDefinition, index: int
) -> None:
    route = programme.routes[index]
    pathway = consenting(programme)
    event = matching_event(route)
    intents = notifications_for([event], pathway.state, programme, PERSON)
    kinds = {i.partner_kind for i in intents}
    assert set(route.partners) <= kinds
    for intent in intents:
        allowed = set(programme.partner_fields.get(intent.partner_kind, []))
        assert set(intent.fields) == allowed, intent.partner_kind
        assert all(intent.fields[k] == PERSON[k] for k in intent.fields)
        assert intent.key == f"{pathway.state.pathway_id}:99:{intent.partner_kind.value}"
    evaluator = [i for i in intents if i.partner_kind is PartnerKind.EVALUATOR]
    assert all(i.fields == {} for i in evaluator)


@pytest.mark.parametrize(("programme", "index"), CASES)
def test_no_consent_no_message(programme: ProgrammeDefinition, index: int) -> None:
    route = programme.routes[index]
    pathway = Pathway.refer(programme, "pathway-00000000000000ab", referral(), meta(), T0)
    assert notifications_for([matching_event(route)], pathway.state, programme, PERSON) == []


@pytest.mark.parametrize("programme", PROGRAMMES, ids=[p.name for p in PROGRAMMES])
def test_expired_or_withdrawn_consent_stops_later_messages(programme: ProgrammeDefinition) -> None:
    route = next(r for r in programme.routes if PartnerKind.REFERRER in r.partners)
    expiring = consenting(programme, expires_after=timedelta(hours=12))
    assert not any(
        i.partner_kind is PartnerKind.REFERRER
        for i in notifications_for([matching_event(route)], expiring.state, programme, PERSON)
    )
    withdrawn = consenting(programme)
    withdrawn.execute(c.WithdrawConsent(PartnerKind.REFERRER, T0 + DAY / 2), meta(), T0 + DAY / 2)
    kinds = {
        i.partner_kind
        for i in notifications_for([matching_event(route)], withdrawn.state, programme, PERSON)
    }
    assert PartnerKind.REFERRER not in kinds


def test_a_temp_agency_never_sees_barriers_or_history() -> None:
    for programme in PROGRAMMES:
        fields = set(programme.partner_fields.get(PartnerKind.TEMP_AGENCY, []))
        assert fields <= {"first_name", "availability", "skills", "languages"}


def test_the_social_action_fund_hears_only_of_barriers_needing_aid() -> None:
    for programme in PROGRAMMES:
        route = next(r for r in programme.routes if PartnerKind.SOCIAL_ACTION_FUND in r.partners)
        assert route.aid_requested
        pathway = consenting(programme)
        asked = matching_event(route)
        not_asked = replace(asked, details={**asked.details, "aid": "False"})
        told = {
            i.partner_kind for i in notifications_for([asked], pathway.state, programme, PERSON)
        }
        untold = {
            i.partner_kind for i in notifications_for([not_asked], pathway.state, programme, PERSON)
        }
        assert PartnerKind.SOCIAL_ACTION_FUND in told
        assert PartnerKind.SOCIAL_ACTION_FUND not in untold
