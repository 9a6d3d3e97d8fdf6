"""One command per staff action of the domain: `parcours barrier add`, `contract sign`, ...

Dates are typed in local time (`2026-11-25` or `2026-11-25T14:30`) and default to now.
Choices (kinds, outcomes, reasons) are the domain's own values, listed by `--help`.
"""

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag, ReasonOpt, RequestOpt
from parcours.cli.remote import parse_instant
from parcours.cli.session import Session
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
)


def _session() -> Session:
    return current_session()


def register(app: typer.Typer, t: Text) -> None:
    Ref = Annotated[str, typer.Argument(help=t("help.arg.ref"), metavar="REF")]
    On = Annotated[str | None, typer.Option("--on", help=t("help.opt.on"))]

    def group(name: str) -> typer.Typer:
        sub = typer.Typer(help=t(f"help.{name}"), no_args_is_help=True)
        app.add_typer(sub, name=name)
        return sub

    # -- intake, referent, contact, French ------------------------------------------------
    intake = group("intake")

    @intake.command("complete", help=t("help.intake.complete"))
    @guarded
    def intake_complete(
        ref: Ref,
        criterion: Annotated[list[str] | None, typer.Option(help=t("help.opt.criterion"))] = None,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.CompleteIntake(
            presented_at=parse_instant(on, _session(), "--on"),
            criteria_met=tuple(criterion or ()),
        )
        act(ref, command, reason, request_id, as_json)

    referent = group("referent")

    @referent.command("assign", help=t("help.referent.assign"))
    @guarded
    def referent_assign(
        ref: Ref,
        staff_id: Annotated[str, typer.Argument(help=t("help.arg.staff_id"))],
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.AssignReferent(referent=staff_id), reason, request_id, as_json)

    @app.command("contact", help=t("help.contact"))
    @guarded
    def contact(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.RecordContact(contacted_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    french = group("french")

    @french.command("assess", help=t("help.french.assess"))
    @guarded
    def french_assess(
        ref: Ref,
        level: Annotated[FrenchLevel, typer.Argument(help=t("help.arg.level"))],
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.AssessFrench(level=level), reason, request_id, as_json)

    # -- barriers ------------------------------------------------------------------------
    barrier = group("barrier")

    @barrier.command("add", help=t("help.barrier.add"))
    @guarded
    def barrier_add(
        ref: Ref,
        kind: Annotated[BarrierKind, typer.Argument(help=t("help.arg.barrier_kind"))],
        aid: Annotated[bool, typer.Option("--aid", help=t("help.opt.aid"))] = False,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.OpenBarrier(kind=kind, aid_requested=aid), reason, request_id, as_json)

    BarrierId = Annotated[str, typer.Argument(help=t("help.arg.barrier_id"))]

    @barrier.command("work", help=t("help.barrier.work"))
    @guarded
    def barrier_work(
        ref: Ref,
        barrier_id: BarrierId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.WorkOnBarrier(barrier_id=barrier_id), reason, request_id, as_json)

    @barrier.command("resolve", help=t("help.barrier.resolve"))
    @guarded
    def barrier_resolve(
        ref: Ref,
        barrier_id: BarrierId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.ResolveBarrier(barrier_id=barrier_id), reason, request_id, as_json)

    @barrier.command("waive", help=t("help.barrier.waive"))
    @guarded
    def barrier_waive(
        ref: Ref,
        barrier_id: BarrierId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        act(ref, c.WaiveBarrier(barrier_id=barrier_id), reason, request_id, as_json)

    # -- contract, coaching, job-dating --------------------------------------------------
    contract = group("contract")

    @contract.command("sign", help=t("help.contract.sign"))
    @guarded
    def contract_sign(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.SignContract(signed_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    coaching = group("coaching")

    @coaching.command("start", help=t("help.coaching.start"))
    @guarded
    def coaching_start(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.StartCoaching(started_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    jobdating = group("jobdating")

    @jobdating.command("outcome", help=t("help.jobdating.outcome"))
    @guarded
    def jobdating_outcome(
        ref: Ref,
        outcome: Annotated[JobDatingOutcome, typer.Argument(help=t("help.arg.outcome"))],
        agency: Annotated[str, typer.Option(help=t("help.opt.agency"))] = "",
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.RecordJobDating(
            held_at=parse_instant(on, _session(), "--on"), outcome=outcome, agency=agency
        )
        act(ref, command, reason, request_id, as_json)

    # -- training ------------------------------------------------------------------------
    training = group("training")

    @training.command("enrol", help=t("help.training.enrol"))
    @guarded
    def training_enrol(
        ref: Ref,
        title: Annotated[str, typer.Option(help=t("help.opt.title"))],
        provider: Annotated[str, typer.Option(help=t("help.opt.provider"))],
        start: Annotated[str, typer.Option(help=t("help.opt.start"))],
        end: Annotated[str, typer.Option(help=t("help.opt.end"))],
        paid: Annotated[bool, typer.Option("--paid", help=t("help.opt.paid"))] = False,
        diploma_module: Annotated[
            bool, typer.Option("--diploma-module", help=t("help.opt.diploma_module"))
        ] = False,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        session = _session()
        command = c.EnrolTraining(
            title=title,
            provider=provider,
            starts_at=parse_instant(start, session, "--start"),
            ends_at=parse_instant(end, session, "--end"),
            paid=paid,
            diploma_module=diploma_module,
        )
        act(ref, command, reason, request_id, as_json)

    @training.command("complete", help=t("help.training.complete"))
    @guarded
    def training_complete(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.CompleteTraining(completed_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    @training.command("drop", help=t("help.training.drop"))
    @guarded
    def training_drop(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.DropTraining(dropped_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    # -- missions ------------------------------------------------------------------------
    mission = group("mission")

    @mission.command("start", help=t("help.mission.start"))
    @guarded
    def mission_start(
        ref: Ref,
        agency: Annotated[str, typer.Option(help=t("help.opt.agency"))],
        employer: Annotated[str, typer.Option(help=t("help.opt.employer"))],
        contract: Annotated[ContractType, typer.Option(help=t("help.opt.contract"))],
        hours: Annotated[float, typer.Option(help=t("help.opt.hours"), min=0.5, max=48)],
        start: Annotated[str | None, typer.Option(help=t("help.opt.start"))] = None,
        end: Annotated[str | None, typer.Option(help=t("help.opt.mission_end"))] = None,
        sector_hiring: Annotated[
            bool, typer.Option("--sector-hiring", help=t("help.opt.sector_hiring"))
        ] = False,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        session = _session()
        command = c.StartMission(
            agency=agency,
            employer=employer,
            starts_at=parse_instant(start, session, "--start"),
            contract_type=contract,
            weekly_hours=hours,
            ends_at=parse_instant(end, session, "--end") if end else None,
            sector_hiring=sector_hiring,
        )
        act(ref, command, reason, request_id, as_json)

    @mission.command("end", help=t("help.mission.end"))
    @guarded
    def mission_end(
        ref: Ref,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.EndMission(ended_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    # -- appointments --------------------------------------------------------------------
    appointment = group("appointment")

    @appointment.command("add", help=t("help.appointment.add"))
    @guarded
    def appointment_add(
        ref: Ref,
        at: Annotated[str, typer.Option("--at", help=t("help.opt.at"))],
        kind: Annotated[AppointmentKind, typer.Option(help=t("help.opt.appointment_kind"))],
        place: Annotated[AppointmentPlace, typer.Option(help=t("help.opt.place"))],
        late: Annotated[bool, typer.Option("--late", help=t("help.opt.late"))] = False,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.ScheduleAppointment(
            at=parse_instant(at, _session(), "--at"), kind=kind, place=place, late_slot=late
        )
        act(ref, command, reason, request_id, as_json)

    AppointmentId = Annotated[str, typer.Argument(help=t("help.arg.appointment_id"))]

    @appointment.command("attend", help=t("help.appointment.attend"))
    @guarded
    def appointment_attend(
        ref: Ref,
        appointment_id: AppointmentId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.AttendAppointment(appointment_id=appointment_id)
        act(ref, command, reason, request_id, as_json)

    @appointment.command("miss", help=t("help.appointment.miss"))
    @guarded
    def appointment_miss(
        ref: Ref,
        appointment_id: AppointmentId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.MissAppointment(appointment_id=appointment_id)
        act(ref, command, reason, request_id, as_json)

    # -- consent -------------------------------------------------------------------------
    consent = group("consent")
    Partner = Annotated[PartnerKind, typer.Argument(help=t("help.arg.partner_kind"))]

    @consent.command("give", help=t("help.consent.give"))
    @guarded
    def consent_give(
        ref: Ref,
        partner: Partner,
        expires: Annotated[str | None, typer.Option(help=t("help.opt.expires"))] = None,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        session = _session()
        command = c.GiveConsent(
            partner_kind=partner,
            given_at=parse_instant(on, session, "--on"),
            expires_at=parse_instant(expires, session, "--expires") if expires else None,
        )
        act(ref, command, reason, request_id, as_json)

    @consent.command("withdraw", help=t("help.consent.withdraw"))
    @guarded
    def consent_withdraw(
        ref: Ref,
        partner: Partner,
        on: On = None,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.WithdrawConsent(
            partner_kind=partner, withdrawn_at=parse_instant(on, _session(), "--on")
        )
        act(ref, command, reason, request_id, as_json)

    # -- suspension, drop-out, re-entry, exit --------------------------------------------
    @app.command("suspend", help=t("help.suspend"))
    @guarded
    def suspend(
        ref: Ref,
        reason: ReasonOpt = "",
        on: On = None,
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.Suspend(suspended_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    @app.command("resume", help=t("help.resume"))
    @guarded
    def resume(
        ref: Ref,
        reason: ReasonOpt = "",
        on: On = None,
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.Resume(resumed_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    @app.command("dropout", help=t("help.dropout"))
    @guarded
    def dropout(
        ref: Ref,
        reason: ReasonOpt = "",
        on: On = None,
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.DropOut(noticed_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)

    @app.command("reenter", help=t("help.reenter"))
    @guarded
    def reenter(
        ref: Ref,
        session_name: Annotated[str, typer.Option("--session", help=t("help.opt.session"))],
        reason: ReasonOpt = "",
        on: On = None,
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.ReEnter(
            session=session_name, reentered_at=parse_instant(on, _session(), "--on")
        )
        act(ref, command, reason, request_id, as_json)

    @app.command("exit", help=t("help.exit"))
    @guarded
    def exit_pathway(
        ref: Ref,
        exit_reason: Annotated[ExitReason, typer.Argument(help=t("help.arg.exit_reason"))],
        reason: ReasonOpt = "",
        on: On = None,
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        command = c.Exit(reason=exit_reason, exited_at=parse_instant(on, _session(), "--on"))
        act(ref, command, reason, request_id, as_json)
