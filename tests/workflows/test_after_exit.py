"""Life after exit, on the dev server's per-workflow time skipping (`after_exit.AfterExit`).

An exited pathway keeps accepting what its programme lists from `exited` (consent
withdrawal, acknowledgement, follow-up contacts), its open alerts stay listed, and it
closes for good when its person is anonymised, months after the last contact, its alerts
closed with it (before `RETENTION_BY_CONTACT_PATCH`, at the end of the retention period
after exit: `test_replay.py` replays `atp-after-exit.json`);
afterwards nothing is accepted, in one sentence (exit code 3), and `show` offers nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio import workflow
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.cli.exit_codes import ExitCode
from parcours.domain import commands as c
from parcours.domain.calendar import add_months
from parcours.domain.vocabulary import AlertRule, AlertStatus, ExitReason, PartnerKind, Stage
from parcours.worker import build_worker, default_activities
from parcours.workflows.patches import AFTER_EXIT_PATCH, SIGNED_REFERRAL_PATCH
from parcours.workflows.pathway import ParticipantPathway
from tests.audit.helpers import cli_for, run
from tests.cli.runner import Cli, address_of
from tests.servers import TEST_KEYRING
from tests.support import T0, meta, participant, referral
from tests.workflows.after_exit import ATP, DAY, RETENTION, AfterExit

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

AFTER_EXIT = {"withdraw_consent", "acknowledge_alert", "snooze_alert", "record_contact"}
"""What ATP lists from `exited` (its referent is assigned by coordinators)."""


@pytest_asyncio.fixture(loop_scope="session")
async def walk(skipping_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[AfterExit]:
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        yield AfterExit(skipping_env, PathwayClient(skipping_env.client, settings.task_queue))


def staff_cli(env: WorkflowEnvironment, tmp_path: Path) -> Cli:
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(env))
    cli.env["PARCOURS_ROLE"] = "staff"
    return cli


async def test_consent_is_withdrawn_and_alerts_acknowledged_after_exit(walk: AfterExit) -> None:
    await walk.refer_and_leave_alerts_open()
    await walk.exit()
    status = await walk.status()
    assert set(status.allowed) >= AFTER_EXIT
    assert "give_consent" not in status.allowed
    assert "schedule_appointment" not in status.allowed

    await walk.what_remains_due()
    status = await walk.status()
    assert status.stage is Stage.EXITED
    assert [x.withdrawn_at is not None for x in status.consents] == [True]
    assert [a.rule for a in status.open_alerts] == [AlertRule.ALERT_UNACKNOWLEDGED]
    kinds = [e.kind for e in await walk.pathways.timeline(walk.pid)]
    assert kinds[-4:] == ["exited", "consent_withdrawn", "alert_acknowledged", "contact_recorded"]
    described = await walk.handle.describe()
    assert described.status is WorkflowExecutionStatus.RUNNING

    # What the programme does not list from `exited` is refused as before, naming the stage.
    with pytest.raises(RequestRefused) as refused:
        await walk.run(c.GiveConsent(PartnerKind.CAREER_ADVISOR, await walk.now()))
    assert (refused.value.rule, refused.value.code) == ("stage", "move_not_in_stage")


async def test_open_alerts_of_an_exited_pathway_stay_listed(
    walk: AfterExit, skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    await walk.refer_and_leave_alerts_open()
    await walk.exit()
    listed = await run(staff_cli(skipping_env, tmp_path), "alerts", "--json")
    assert listed.exit_code == 0, listed.output
    mine = [row for row in json.loads(listed.stdout) if row["pathway_id"] == walk.pid]
    assert {row["alert"]["rule"] for row in mine} == {"intake_overdue", "alert_unacknowledged"}
    shown = await run(staff_cli(skipping_env, tmp_path), "show", walk.pid, "--json")
    assert shown.exit_code == 0, shown.output
    assert set(json.loads(shown.stdout)["status"]["allowed"]) >= AFTER_EXIT
    printed = await run(staff_cli(skipping_env, tmp_path), "show", walk.pid)
    # It follows the retention by the last contact: `show` gives when its person is
    # anonymised, not the earlier rule's end of the retention after exit.
    assert "Person to be anonymised on (retention from the last entry" in printed.stdout
    assert "Closes for good on" not in printed.stdout


async def test_an_exited_pathway_stays_open_until_its_person_is_anonymised(
    walk: AfterExit,
) -> None:
    """Since `RETENTION_BY_CONTACT_PATCH` (the old rule, closing at the end of
    `retention_after_exit_days`, is replayed from `atp-after-exit.json`)."""
    await walk.refer_and_leave_alerts_open()
    exited_at = await walk.exit()
    await walk.what_remains_due()
    await walk.forward(100 * DAY)
    await walk.run(c.RecordContact(await walk.now()))  # a contact after exit moves the date
    timeline = await walk.pathways.timeline(walk.pid)
    contact = max(e.at for e in timeline if e.kind == "contact_recorded")
    due = add_months(contact, ATP.timers.anonymise_after_last_contact_months)
    assert (await walk.status()).closes_at == due
    await walk.forward(exited_at + RETENTION + DAY - await walk.now())
    assert (await walk.status()).closed_at is None  # the old rule's end has passed
    await walk.until_anonymised(due)

    assert (await walk.handle.describe()).status is WorkflowExecutionStatus.COMPLETED
    status = await walk.status()
    assert status.closed_at is not None
    assert due <= status.closed_at
    assert status.open_alerts == []
    assert status.allowed == []
    state = await walk.pathways.state(walk.pid)
    statuses = {a.rule: a.status for a in state.alerts}
    assert statuses[AlertRule.INTAKE_OVERDUE] is AlertStatus.ACKNOWLEDGED
    assert statuses[AlertRule.RETENTION_DUE] is AlertStatus.CLOSED
    closing = state.timeline[-1]
    assert closing.kind == "person_erased"
    assert closing.actor_id == "parcours"
    assert closing.reason == f"retention: no contact since {contact.date().isoformat()}"
    assert state.erased_at == status.closed_at


async def test_nothing_is_accepted_once_closed(
    walk: AfterExit, skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    await walk.refer_and_leave_alerts_open()
    exited_at = await walk.exit()
    due = (await walk.status()).closes_at
    assert due is not None
    await walk.until_anonymised(due)

    with pytest.raises(RequestRefused) as refused:
        await walk.pathways.execute(
            walk.pid, c.WithdrawConsent(PartnerKind.CAREER_ADVISOR, exited_at), meta()
        )
    # Its run has ended: the service answers "not found", and the refusal reads from the
    # pathway's state what closed it, as the pathway would have said it.
    assert (refused.value.rule, refused.value.code) == ("pathway_closed", "pathway_anonymised")

    cli = staff_cli(skipping_env, tmp_path)
    withdrawn = await run(cli, "consent", "withdraw", walk.pid, "career_advisor")
    assert withdrawn.exit_code == ExitCode.REFUSED, withdrawn.output
    said = withdrawn.stderr.strip()
    assert "\n" not in said
    assert "when its person was anonymised at the end of the record's retention" in said
    french = await run(cli, "--lang", "fr", "alerts", "ack", walk.pid, "x")
    assert french.exit_code == ExitCode.REFUSED, french.output
    assert "quand sa personne a été anonymisée" in french.stderr

    shown = await run(cli, "show", walk.pid, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["status"]["allowed"] == []
    printed = await run(cli, "--lang", "fr", "show", walk.pid)
    assert "Clos définitivement le" in printed.stdout


async def test_a_pathway_that_completed_at_exit_offers_nothing_and_says_it_is_closed(
    skipping_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pathway whose run completed at exit, as before `AFTER_EXIT_PATCH` (told no here,
    unsandboxed): `show` offers nothing, and an update is refused as closed, not unknown."""
    patched = workflow.patched
    before = {AFTER_EXIT_PATCH, SIGNED_REFERRAL_PATCH}  # a plain worker, as then
    monkeypatch.setattr(workflow, "patched", lambda i: i not in before and patched(i))
    settings = Settings.from_env(
        {"PARCOURS_DATA_DIR": str(tmp_path), "PARCOURS_TASK_QUEUE": "parcours-before-after-exit"}
    )
    worker = Worker(
        skipping_env.client,
        task_queue=settings.task_queue,
        workflows=[ParticipantPathway],
        activities=default_activities(settings),
        activity_executor=ThreadPoolExecutor(max_workers=4),
        workflow_runner=UnsandboxedWorkflowRunner(),
        max_cached_workflows=0,
    )
    async with worker:
        pathways = PathwayClient(skipping_env.client, settings.task_queue)
        pid = await pathways.refer(ATP, participant(), referral(), meta())
        await pathways.execute(pid, c.Exit(ExitReason.MOVED_AWAY, T0), meta(reason="moved"))
        await skipping_env.client.get_workflow_handle(pid).result()
        status = await pathways.status(pid)
        assert (status.stage, status.closed_at, status.allowed) == (Stage.EXITED, None, [])
        with pytest.raises(RequestRefused) as refused:
            await pathways.execute(pid, c.WithdrawConsent(PartnerKind.REFERRER, T0), meta())
        assert refused.value.code == "pathway_finished"
