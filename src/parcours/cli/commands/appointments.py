"""`parcours appointment add|attend|miss`: appointments with the referent or a partner."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import naming_action, staff_action
from parcours.cli.options import flag, group_module, named_option
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import AppointmentKind, AppointmentPlace

commands, appointment = group_module("appointment")

AppointmentId = Annotated[
    str, typer.Argument(help="help.arg.appointment_id", metavar="APPOINTMENT")
]


@staff_action(appointment, "add")
def appointment_add(
    at: Annotated[str, typer.Option("--at", help="help.opt.at")],
    kind: Annotated[
        AppointmentKind,
        named_option(AppointmentKind, "appointment_kind", "help.opt.appointment_kind", "KIND"),
    ],
    place: Annotated[
        AppointmentPlace,
        named_option(AppointmentPlace, "appointment_place", "help.opt.place", "PLACE"),
    ],
    late: Annotated[bool, flag("--late")] = False,
) -> c.Command:
    moment = typed_instant(at, "--at", hour=True)
    return c.ScheduleAppointment(at=moment, kind=kind, place=place, late_slot=late)


naming_action(appointment, "attend", c.AttendAppointment, AppointmentId)
naming_action(appointment, "miss", c.MissAppointment, AppointmentId)
