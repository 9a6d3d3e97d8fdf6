"""A year of ATP intake (2009), 60 people generated from a seed, each followed two years.

The description gives the figures (60 new participants a year, two years of accompaniment,
60 % positive exits targeted, 90 % of entries referred by partners) and the way (barriers
first, an engagement contract, qualification by diploma modules, close links with
employers). Each person's path is drawn from the seed among the paths the description
allows; whether an exit is positive is decided by the pathway under ATP's own rule, not
here: `intended` only says what the path was drawn to be, for the tests to compare.
"""

from __future__ import annotations

import random
from datetime import datetime

from parcours.demos.story import DAY, DirectoryEntry, Person, Story, on
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
)
from parcours.workflows.messages import Participant

SEED = 2009
PEOPLE = 60
REFERENT = "demo-referent-atp"
CRITERIA = ("precarious_worker", "lives_in_territory")
PARTNERS = ("Pôle emploi", "Mission locale", "CCAS", "Services sociaux du département")
OTHER_REFERRER = "Association de quartier"
AGENCIES = ("Adecco", "Randstad", "Manpower")
EMPLOYERS = ("Hôpital de Pontoise", "Logistique Saint-Ouen-l'Aumône", "Grande distribution")
BARRIERS = (BarrierKind.HOUSING, BarrierKind.HEALTH, BarrierKind.CHILDCARE)
PATHS = {
    "full_time": 35,
    "two_part_time": 10,
    "professionalisation": 12,
    "late_full_time": 10,
    "temp_missions": 15,
    "diploma_module": 8,
    "dropout": 10,
}
"""The paths a person may take, with their weight out of 100."""
ACCOMPANIMENT_DAYS = 728
"""The exit, when the two years of accompaniment from the contract come to an end."""


def _entered(index: int, rng: random.Random) -> tuple[Person, datetime]:
    """Referral, intake, a barrier worked on, consent, contract and coaching; returns the
    person and the day the contract was signed."""
    referred = on(2009, 1 + index // 5, 2 + index % 5 * 5)
    referrer = OTHER_REFERRER if index % 10 == 9 else PARTNERS[rng.randrange(len(PARTNERS))]
    participant = Participant(
        f"Personne {index + 1:02d}", "Demo", f"{1965 + rng.randrange(35)}-06-01"
    )
    person = Person(participant, c.Refer(referrer, referred, "2009", REFERENT))
    intake, contract = referred + 7 * DAY, referred + 28 * DAY
    person.then(c.CompleteIntake(intake, CRITERIA), intake)
    person.then(c.GiveConsent(PartnerKind.REFERRER, intake), intake)
    person.then(c.OpenBarrier(BARRIERS[rng.randrange(3)], aid_requested=True), intake)
    if rng.random() < 0.8:
        person.then(c.ResolveBarrier("b1"), intake + 14 * DAY)
    else:
        person.then(c.WaiveBarrier("b1"), intake + 14 * DAY, "family help arranged")
    person.then(c.AssessFrench(FrenchLevel.B1), intake + 14 * DAY)
    person.then(c.SignContract(contract), contract)
    person.then(c.StartCoaching(contract + 7 * DAY), contract + 7 * DAY)
    return person, contract


def _hired(  # noqa: PLR0917 - a contract is these fields, in this order
    person: Person,
    at: datetime,
    rng: random.Random,
    contract: ContractType,
    hours: float,
    ends: datetime | None = None,
    agency: str = "",
) -> None:
    person.then(c.RecordJobDating(at - 5 * DAY, JobDatingOutcome.HIRED, agency), at - 5 * DAY)
    employer = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
    hiring = contract == ContractType.PROFESSIONALISATION
    person.then(c.StartMission(agency, employer, at, contract, hours, ends, hiring), at)


def _exit(person: Person, at: datetime, reason: ExitReason, why: str) -> None:
    person.then(c.Exit(reason, at), at, why)


def _followed(person: Person, path: str, contract: datetime, rng: random.Random) -> None:
    end = contract + ACCOMPANIMENT_DAYS * DAY
    start = contract + (40 + rng.randrange(260)) * DAY
    if path == "full_time":
        _hired(person, start, rng, ContractType.PERMANENT, 35)
        _exit(person, end, ExitReason.EMPLOYMENT, "permanent full-time job")
    elif path == "late_full_time":
        _hired(person, contract + (420 + rng.randrange(120)) * DAY, rng, ContractType.PERMANENT, 35)
        _exit(person, end, ExitReason.EMPLOYMENT, "hired late in the two years")
    elif path == "two_part_time":
        _hired(person, start, rng, ContractType.PERMANENT, 20)
        person.then(c.EndMission(start + 150 * DAY), start + 150 * DAY)
        _hired(person, start + 160 * DAY, rng, ContractType.PERMANENT, 24)
        _exit(person, end, ExitReason.EMPLOYMENT, "two part-time permanent contracts")
    elif path == "professionalisation":
        ends = start + 540 * DAY
        _hired(person, start, rng, ContractType.PROFESSIONALISATION, 35, ends)
        _exit(person, min(end, ends), ExitReason.EMPLOYMENT, "professionalisation contract")
    elif path == "temp_missions":
        _temp_missions(person, start, rng)
        _exit(person, end, ExitReason.ACCOMPANIMENT_ENDED, "temp missions only")
    elif path == "diploma_module":
        _diploma_module(person, contract, rng)
        _exit(person, end, ExitReason.ACCOMPANIMENT_ENDED, "fixed-term job after the module")
    else:
        left = start + 30 * DAY
        person.then(c.DropOut(left), left, "stopped answering")
        _exit(person, left + 60 * DAY, ExitReason.DROPPED_OUT, "no news for two months")


def _temp_missions(person: Person, start: datetime, rng: random.Random) -> None:
    agency = AGENCIES[rng.randrange(len(AGENCIES))]
    for turn in range(2):
        begins = start + turn * 120 * DAY
        if turn:
            person.then(
                c.RecordJobDating(begins - 5 * DAY, JobDatingOutcome.HIRED, agency),
                begins - 5 * DAY,
            )
            employer = EMPLOYERS[turn]
            person.then(
                c.StartMission(
                    agency, employer, begins, ContractType.TEMP_MISSION, 35, begins + 60 * DAY
                ),
                begins,
            )
        else:
            _hired(person, begins, rng, ContractType.TEMP_MISSION, 35, begins + 60 * DAY, agency)
        person.then(c.EndMission(begins + 60 * DAY), begins + 60 * DAY)


def _diploma_module(person: Person, contract: datetime, rng: random.Random) -> None:
    dating, starts, ends = contract + 30 * DAY, contract + 40 * DAY, contract + 130 * DAY
    person.then(c.RecordJobDating(dating, JobDatingOutcome.TRAINING), dating)
    module = c.EnrolTraining(
        "Module 1, CAP EPC", "GRETA", starts, ends, paid=True, diploma_module=True
    )
    person.then(module, starts)
    person.then(c.CompleteTraining(ends), ends)
    hired = ends + (20 + rng.randrange(60)) * DAY
    _hired(person, hired, rng, ContractType.FIXED_TERM, 35, hired + 180 * DAY)
    person.then(c.EndMission(hired + 180 * DAY), hired + 180 * DAY)


def intake_2009(seed: int = SEED) -> Story:
    rng = random.Random(seed)  # noqa: S311 - a reproducible story, no secret
    people = []
    for index in range(PEOPLE):
        person, contract = _entered(index, rng)
        path = rng.choices(list(PATHS), weights=list(PATHS.values()))[0]
        _followed(person, path, contract, rng)
        person.intended = path
        people.append(person)
    return Story(
        name="atp-cergy",
        programme="atp-cergy",
        partners=(
            *(DirectoryEntry(name, PartnerKind.REFERRER) for name in (*PARTNERS, OTHER_REFERRER)),
            DirectoryEntry("GRETA", PartnerKind.TRAINING_BODY),
            *(DirectoryEntry(agency, PartnerKind.TEMP_AGENCY) for agency in AGENCIES),
        ),
        people=tuple(people),
        unmasked=False,
    )


POSITIVE_PATHS = frozenset({"full_time", "two_part_time", "professionalisation"})
"""The paths drawn to end in a positive exit under ATP's rule (the tests compare)."""
