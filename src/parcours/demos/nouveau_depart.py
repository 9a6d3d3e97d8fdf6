"""The first session of Nouveau départ (March 2017), as the programme's description tells it.

Nine people referred by Amicale du Nid into the session 2017-03, opened for them; the
presentation of temp work; the session's coaching day; a job-dating with the eight temp
agencies, run as a real job-dating event (planned, invited, every outcome recorded at
once), where two are hired directly and seven are oriented to the paid training (2.5
months, French A1 required, Muse); two drop out during the training (one leaves the
programme, one stays waiting for a mission); the others go on to temp missions; a second
job-dating event in April 2018 leaves two people waiting for a mission. The group steps go
through the group commands (`demos.groups`), dated as they happened, between each
person's own steps. The people are fictitious; the dates are the description's.
"""

from __future__ import annotations

from parcours.demos.story import (
    DAY,
    CoachingDay,
    DirectoryEntry,
    JobDatingDay,
    Outcome,
    Person,
    SessionPlan,
    Story,
    on,
)
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
PLACE = "Maison de l'emploi, Marseille"


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
    )


def _mission(person: Person, agency: str, starts: int, employer: str) -> None:
    """A temp mission with the agency, `starts` days after the job-dating."""
    begins = JOB_DATING + starts * DAY
    person.then(
        c.StartMission(agency, employer, begins, ContractType.TEMP_MISSION, 35, on(2018, 6, 29)),
        begins,
    )


def _trained(person: Person, index: int) -> None:
    training = c.EnrolTraining(
        TRAININGS[index % 2], TRAINING_BODY, TRAINING_STARTS, TRAINING_ENDS, paid=True
    )
    person.then(training, TRAINING_STARTS)


def _first_jobdating() -> JobDatingDay:
    """Two hired directly (by Adecco and Randstad), seven oriented to the training."""
    hired = [Outcome(i, JobDatingOutcome.HIRED, a) for i, a in enumerate(("Adecco", "Randstad"))]
    trained = [
        Outcome(2 + i, JobDatingOutcome.TRAINING, AGENCIES[i % len(AGENCIES)]) for i in range(7)
    ]
    return JobDatingDay(JOB_DATING, COACHING_DAY, PLACE, AGENCIES, (*hired, *trained))


def _second_jobdating() -> JobDatingDay:
    """The two still waiting meet the agencies again: no mission yet."""
    waiting = (Outcome(3, JobDatingOutcome.NO_MATCH), Outcome(8, JobDatingOutcome.NO_MATCH))
    invited = SECOND_JOB_DATING - 7 * DAY
    reason = "registered with the agencies, no mission yet"
    return JobDatingDay(SECOND_JOB_DATING, invited, PLACE, AGENCIES, waiting, reason)


def session_2017() -> Story:
    people = [_referred(index) for index in range(9)]
    for person, agency in zip(people[:2], ("Adecco", "Randstad"), strict=True):
        _mission(person, agency, 7, "Grande distribution")
    for index, person in enumerate(people[2:]):
        _trained(person, index)
    left, paused = people[2], people[3]
    left.then(c.DropOut(on(2017, 5, 2)), on(2017, 5, 2), "stopped coming to the training")
    paused.then(c.DropTraining(on(2017, 5, 15)), on(2017, 5, 15), "left the training")
    for person in people[4:]:
        person.then(c.CompleteTraining(TRAINING_ENDS), TRAINING_ENDS)
    for days, (person, agency) in enumerate(zip(people[4:8], AGENCIES[4:8], strict=True)):
        _mission(person, agency, 98 + 7 * days, "Grande distribution")
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
        session=SessionPlan(SESSION, on(2017, 3, 1), (REFERRER,), capacity=9),
        groups=(CoachingDay(COACHING_DAY), _first_jobdating(), _second_jobdating()),
    )
