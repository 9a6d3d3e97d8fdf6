"""`parcours appointment add|attend|miss`: appointments with the referent or a partner."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import AppointmentKind, AppointmentPlace

commands = typer.Typer()
appointment = typer.Typer(help="help.appointment", no_args_is_help=True)
commands.add_typer(appointment, name="appointment")

AppointmentId = Annotated[str, typer.Argument(help="help.arg.appointment_id")]


@appointment.command("add", help="help.appointment.add")
@guarded
def appointment_add(
    ref: Ref,
    at: Annotated[str, typer.Option("--at", help="help.opt.at")],
    kind: Annotated[AppointmentKind, typer.Option(help="help.opt.appointment_kind")],
    place: Annotated[AppointmentPlace, typer.Option(help="help.opt.place")],
    late: Annotated[bool, typer.Option("--late", help="help.opt.late")] = False,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.ScheduleAppointment(
        at=parse_instant(at, current_session(), "--at"), kind=kind, place=place, late_slot=late
    )
    act(ref, command, reason, request_id, as_json)


@appointment.command("attend", help="help.appointment.attend")
@guarded
def appointment_attend(
    ref: Ref,
    appointment_id: AppointmentId,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.AttendAppointment(appointment_id=appointment_id), reason, request_id, as_json)


@appointment.command("miss", help="help.appointment.miss")
@guarded
def appointment_miss(
    ref: Ref,
    appointment_id: AppointmentId,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.MissAppointment(appointment_id=appointment_id), reason, request_id, as_json)
