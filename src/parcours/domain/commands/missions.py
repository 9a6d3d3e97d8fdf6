"""Job datings and missions: meeting employers, then working for them."""

from __future__ import annotations

from datetime import datetime, timedelta

from parcours.domain.commands.base import Command, CommandSpec, Context, Details, move
from parcours.domain.commands.editing import add_record, iso, touch
from parcours.domain.commands.roles import WITH_PARTNERS
from parcours.domain.records import JobDating, Mission, PathwayState
from parcours.domain.vocabulary import ContractType, JobDatingOutcome, Trigger

SAME_JOB_DATING = timedelta(hours=12)
"""Two outcomes of job-datings this close are one outcome typed twice, as often as not."""


def same_job_dating(state: PathwayState, held_at: datetime) -> list[JobDating]:
    """The other job-dating outcomes within `SAME_JOB_DATING` of the one held at `held_at`
    (the one just recorded, left out once; staff are told of the others)."""
    near = [j for j in state.job_datings if abs(j.held_at - held_at) < SAME_JOB_DATING]
    itself = next((j for j in near if j.held_at == held_at), None)
    return [j for j in near if j is not itself]


class MissionTrigger(Trigger):
    JOBDATING_HIRED = "jobdating_hired", "jobdating_hired"
    JOBDATING_TRAINING = "jobdating_training", "jobdating_oriented_to_training"
    JOBDATING_NO_MATCH = "jobdating_no_match", "jobdating_no_match"
    START_MISSION = "start_mission", "mission_started"
    END_MISSION = "end_mission", "mission_ended"


class RecordJobDating(Command, when="held_at"):
    """The trigger depends on the outcome: each outcome is its own move in the table."""

    held_at: datetime
    outcome: JobDatingOutcome
    agency: str = ""

    @property
    def trigger(self) -> Trigger:
        return MissionTrigger(f"jobdating_{self.outcome.value}")


class StartMission(Command, trigger=MissionTrigger.START_MISSION, when="starts_at"):
    agency: str
    employer: str
    starts_at: datetime
    contract_type: ContractType
    weekly_hours: float
    ends_at: datetime | None = None
    sector_hiring: bool = False


class EndMission(Command, trigger=MissionTrigger.END_MISSION, when="ended_at"):
    ended_at: datetime


def _jobdating(state: PathwayState, cmd: RecordJobDating, ctx: Context) -> Details:
    state.job_datings.append(JobDating(cmd.held_at, cmd.outcome, cmd.agency))
    touch(state, cmd.held_at)
    return {"outcome": cmd.outcome.value, "agency": cmd.agency, "held_at": iso(cmd.held_at)}


def _start(state: PathwayState, cmd: StartMission, ctx: Context) -> Details:
    mission_id = add_record(state.missions, "m", Mission, cmd)
    touch(state, cmd.starts_at)
    return {
        "mission_id": mission_id,
        "contract_type": cmd.contract_type.value,
        "agency": cmd.agency,
        "employer": cmd.employer,
        "starts_at": iso(cmd.starts_at),
        "ends_at": iso(cmd.ends_at),
    }


def _end(state: PathwayState, cmd: EndMission, ctx: Context) -> Details:
    mission = state.current_mission()
    assert mission is not None
    mission.ended_at = cmd.ended_at
    return {"mission_id": mission.mission_id}


def _jobdating_row(trigger: MissionTrigger) -> CommandSpec:
    return move(RecordJobDating, _jobdating, trigger=trigger)


SPECS = (
    _jobdating_row(MissionTrigger.JOBDATING_HIRED),
    _jobdating_row(MissionTrigger.JOBDATING_TRAINING),
    _jobdating_row(MissionTrigger.JOBDATING_NO_MATCH),
    move(StartMission, _start, roles=WITH_PARTNERS, creates="mission_id"),
    move(EndMission, _end, roles=WITH_PARTNERS),
)
