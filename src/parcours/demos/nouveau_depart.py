"""The first session of Nouveau départ (March 2017), as the programme's description tells it.

Nine people referred by Amicale du Nid; the presentation of temp work; one coaching day; a
job-dating with the eight temp agencies, where two are hired directly and seven are
oriented to the paid training (2.5 months, French A1 required, Muse); two drop out during
the training (one leaves the programme, one stays waiting for a mission); the others go on
to temp missions; a second job-dating in April 2018 leaves two people waiting for a mission.
The people are fictitious; the dates are the description's.
"""

from __future__ import annotations

from parcours.demos.story import DAY, DirectoryEntry, Person, Story, on
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    ContractType,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
)
from parcours.workflows.messages import Participant

SESSION = "2017-03"
REFERRER = "Amicale du Nid"
REFERENT = "demo-referent-nd"
TRAINING_BODY = "Muse"
AGENCIES = (
    "A2I",
    "Actual industrie",
    "Adecco",
    "Axxis",
    "Domino",
    "Eureka",
    "Id'ées Intérim",
    "Randstad",
)
TRAININGS = (
    "Employé libre-service et hôtesse de caisse",
    "Employé polyvalent en surface de vente",
)
CRITERIA = (
    "referred_by_partner_association",
    "wishes_to_leave_prostitution",
    "temp_work_presented",
)
FIRST_NAMES = ("Blessing", "Joy", "Favour", "Precious", "Gift", "Mercy", "Esther", "Peace", "Grace")

PRESENTATION = on(2017, 3, 13)
COACHING_DAY = on(2017, 3, 20)
JOB_DATING = on(2017, 3, 27)
TRAINING_STARTS, TRAINING_ENDS = on(2017, 4, 10), on(2017, 6, 23)
SECOND_JOB_DATING = on(2018, 4, 12)


def _referred(index: int) -> Person:
    participant = Participant(
        first_name=FIRST_NAMES[index],
        last_name=f"Demo-{index + 1}",
        birth_date=f"{1988 + index}-0{1 + index % 9}-15",
        languages=["en", "fr"],
    )
    referral = c.Refer(REFERRER, on(2017, 3, 6) + index % 5 * DAY, SESSION, REFERENT)
    person = Person(participant, referral)
    return (
        person.then(c.GiveConsent(PartnerKind.REFERRER, referral.referred_at), referral.referred_at)
        .then(c.GiveConsent(PartnerKind.TEMP_AGENCY, PRESENTATION), PRESENTATION)
        .then(c.CompleteIntake(PRESENTATION, CRITERIA), PRESENTATION)
        .then(c.AssessFrench(FrenchLevel.A1), PRESENTATION)
        .then(c.StartCoaching(COACHING_DAY), COACHING_DAY)
    )


def _mission(person: Person, agency: str, starts: int, employer: str) -> None:
    """A temp mission with the agency, `starts` days after the job-dating."""
    begins = JOB_DATING + starts * DAY
    person.then(
        c.StartMission(agency, employer, begins, ContractType.TEMP_MISSION, 35, on(2018, 6, 29)),
        begins,
    )


def _hired(person: Person, agency: str) -> None:
    dating = c.RecordJobDating(JOB_DATING, JobDatingOutcome.HIRED, agency)
    person.then(dating, JOB_DATING)
    _mission(person, agency, 7, "Grande distribution")


def _trained(person: Person, index: int, agency: str) -> None:
    person.then(c.RecordJobDating(JOB_DATING, JobDatingOutcome.TRAINING, agency), JOB_DATING)
    training = c.EnrolTraining(
        TRAININGS[index % 2], TRAINING_BODY, TRAINING_STARTS, TRAINING_ENDS, paid=True
    )
    person.then(training, TRAINING_STARTS)


def session_2017() -> Story:
    people = [_referred(index) for index in range(9)]
    for person, agency in zip(people[:2], ("Adecco", "Randstad"), strict=True):
        _hired(person, agency)
    for index, person in enumerate(people[2:]):
        _trained(person, index, AGENCIES[index % len(AGENCIES)])
    left, paused = people[2], people[3]
    left.then(c.DropOut(on(2017, 5, 2)), on(2017, 5, 2), "stopped coming to the training")
    paused.then(c.DropTraining(on(2017, 5, 15)), on(2017, 5, 15), "left the training")
    for person in people[4:]:
        person.then(c.CompleteTraining(TRAINING_ENDS), TRAINING_ENDS)
    for days, (person, agency) in enumerate(zip(people[4:8], AGENCIES[4:8], strict=True)):
        _mission(person, agency, 98 + 7 * days, "Grande distribution")
    for person in (paused, people[8]):
        dating = c.RecordJobDating(SECOND_JOB_DATING, JobDatingOutcome.NO_MATCH)
        person.then(dating, SECOND_JOB_DATING, "registered with the agencies, no mission yet")
    return Story(
        name="nouveau-depart-2017",
        programme="nouveau-depart",
        partners=(
            DirectoryEntry(REFERRER, PartnerKind.REFERRER),
            DirectoryEntry(TRAINING_BODY, PartnerKind.TRAINING_BODY),
            *(DirectoryEntry(agency, PartnerKind.TEMP_AGENCY) for agency in AGENCIES),
        ),
        people=tuple(people),
        unmasked=True,
    )
