"""`audit at` says of each open alert whether parcours raised it by then: as it happened,
a pathway typed in after the fact shows alerts due between its back-dated entries that the
workflow, which learnt of those entries only when they were typed, never raised. Over the
committed history `atp-entered-after-the-fact.json` (referred 2025-01-01, typed on
2026-12-02), and over built records for the alert raised only later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.happened import snapshot_at
from parcours.audit.history import read_history_file
from parcours.audit.raised import AlertOnRecord, AlertOrigin, Record, alerts_on_record
from parcours.audit.recording import Recording, record_of
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertAudience, AlertRule
from tests.audit.helpers import cli_for, json_of, run
from tests.cli.runner import Cli
from tests.histories.record import HERE, history_keyring

pytestmark = pytest.mark.asyncio(loop_scope="session")

NAME = "atp-entered-after-the-fact"
HISTORY = str(HERE / f"{NAME}.json")


def keyed_cli(tmp_path: Path) -> Cli:
    """The CLI holding the keys the committed histories were recorded with."""
    return cli_for(tmp_path, (HERE / "keys.json").read_text(encoding="utf-8"))


DAY = timedelta(days=1)
MISSED = "appointment_missed:a2:20250105T0900"
RAISED = "no_contact:contact:20250131T0900"
"""The one alert the workflow raised, when the entries were typed on 2026-12-02."""


async def recording() -> Recording:
    history = read_history_file(HERE / f"{NAME}.json")
    return await record_of(history, data_converter(history_keyring()))


def origins(marks: dict[str, AlertOnRecord]) -> dict[str, AlertOrigin]:
    return {alert_id: mark.origin for alert_id, mark in marks.items()}


async def test_alerts_due_between_back_dated_entries_were_not_raised_by_the_end() -> None:
    """The pathway still runs: parcours had not raised them when its history ends (the
    timers may yet: past the end they are projected), so none is said never raised."""
    entered = await recording()
    two_months = snapshot_at(entered, entered.referral.referred_at + 60 * DAY)
    assert {a.alert_id for a in two_months.open_alerts} == set(two_months.alerts_on_record)
    assert MISSED in two_months.alerts_on_record
    found = set(origins(two_months.alerts_on_record).values())
    assert found == {AlertOrigin.NOT_RAISED_BY_END}
    assert all(mark.raised_at is None for mark in two_months.alerts_on_record.values())


async def test_the_alert_raised_when_typed_is_raised_and_the_rest_projected() -> None:
    entered = await recording()
    end = snapshot_at(entered, entered.recorded_until)
    assert origins(end.alerts_on_record) == {RAISED: AlertOrigin.RAISED}
    raised_at = end.alerts_on_record[RAISED].raised_at
    assert raised_at is not None
    assert raised_at.date().isoformat() == "2026-12-02"
    beyond = snapshot_at(entered, entered.recorded_until + 10 * DAY)
    found = origins(beyond.alerts_on_record)
    assert found.pop(RAISED) is AlertOrigin.RAISED
    assert found
    assert set(found.values()) == {AlertOrigin.PROJECTED}


async def test_as_recorded_every_open_alert_was_raised_by_then() -> None:
    entered = await recording()
    known = snapshot_at(entered, entered.recorded_until, as_recorded=True)
    assert origins(known.alerts_on_record) == {RAISED: AlertOrigin.RAISED}


def alert(alert_id: str, rule: AlertRule, raised_at: datetime) -> Alert:
    return Alert(alert_id, rule, "contact", raised_at, raised_at, AlertAudience.REFERENT)


DUE = datetime(2025, 2, 1, 9, tzinfo=UTC)
TYPED = datetime(2025, 6, 1, 10, tzinfo=UTC)
"""An alert due on 1 February that parcours raised on 1 June, when the entries were typed."""


def test_an_alert_raised_after_the_instant_asked_was_raised_later() -> None:
    told = alert(RAISED, AlertRule.NO_CONTACT, DUE)
    record = Record([alert(RAISED, AlertRule.NO_CONTACT, TYPED)], TYPED + DAY, still_open=True)
    later = alerts_on_record([told], record, DUE + DAY)
    assert later == {RAISED: AlertOnRecord(AlertOrigin.RAISED_LATER, TYPED)}
    assert later[RAISED].after_the_fact
    assert not later[RAISED].raised_by_then
    by_then = alerts_on_record([told], record, TYPED)
    assert by_then[RAISED] == AlertOnRecord(AlertOrigin.RAISED, TYPED)


def test_an_alert_the_record_lacks_is_never_raised_only_once_the_run_has_ended() -> None:
    told = [alert(RAISED, AlertRule.NO_CONTACT, DUE)]
    running = Record([], TYPED, still_open=True)
    assert alerts_on_record(told, running, DUE + DAY)[RAISED].origin is (
        AlertOrigin.NOT_RAISED_BY_END
    )
    ended = Record([], TYPED, still_open=False)
    assert alerts_on_record(told, ended, DUE + DAY)[RAISED].origin is AlertOrigin.NEVER_RAISED
    beyond = [alert(RAISED, AlertRule.NO_CONTACT, TYPED + DAY)]  # raised after the end
    assert alerts_on_record(beyond, running, TYPED + 2 * DAY)[RAISED].origin is (
        AlertOrigin.PROJECTED
    )


def test_an_escalation_is_matched_by_the_alert_it_escalates() -> None:
    """Its id's due instant follows from when the alert it escalates was raised: at its due
    instant as it happened, when typed in the record. The same escalation all the same."""
    told = f"alert_unacknowledged:{RAISED}:20250208T0900"
    recorded = f"alert_unacknowledged:{RAISED}:20250608T1000"
    record = Record(
        [alert(recorded, AlertRule.ALERT_UNACKNOWLEDGED, TYPED + 7 * DAY)],
        TYPED + 30 * DAY,
        still_open=True,
    )
    shown = [alert(told, AlertRule.ALERT_UNACKNOWLEDGED, DUE + 7 * DAY)]
    mark = alerts_on_record(shown, record, DUE + 8 * DAY)[told]
    assert mark == AlertOnRecord(AlertOrigin.RAISED_LATER, TYPED + 7 * DAY)
    other = "alert_unacknowledged:no_contact:contact:20250301T0900:20250308T0900"
    assert (
        alerts_on_record([alert(other, AlertRule.ALERT_UNACKNOWLEDGED, DUE)], record, DUE)[
            other
        ].origin
        is AlertOrigin.NOT_RAISED_BY_END
    )


async def test_a_failed_notification_parcours_recorded_is_raised_both_ways() -> None:
    """A failed notification's alert comes with its `notification_failed` event, not an
    `alert_raised`: it counts as raised by parcours all the same."""
    history = read_history_file(HERE / "undelivered-then-sent.json")
    sent = await record_of(history, data_converter(history_keyring()))
    for as_recorded in (False, True):
        end = snapshot_at(sent, sent.recorded_until, as_recorded=as_recorded)
        marks = set(origins(end.alerts_on_record).values())
        assert marks == {AlertOrigin.RAISED}, as_recorded
        assert any(a.startswith("notification_failed:") for a in end.alerts_on_record)


@pytest.mark.parametrize(
    ("lang", "never", "legend"),
    [
        ("en", "not raised by parcours by the end of its history", "did not raise all these"),
        ("fr", "non déclenchée par parcours au dernier enregistrement", "n'a pas déclenché toutes"),
    ],
)
async def test_audit_at_marks_the_alerts_parcours_had_not_raised(
    tmp_path: Path, lang: str, never: str, legend: str
) -> None:
    cli, history = keyed_cli(tmp_path), HISTORY
    asked = ((await recording()).referral.referred_at + 60 * DAY).isoformat()
    shown = await run(cli, "audit", "at", history, "--when", asked, PARCOURS_LANG=lang)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.count(never) == 4
    assert legend in " ".join(shown.stdout.split())
    document = json_of(await run(cli, "audit", "at", history, "--when", asked, "--json"))
    alerts = document["open_alerts"]
    assert isinstance(alerts, list)
    assert len(alerts) == 4
    assert {a["on_record"] for a in alerts} == {"not_raised_by_end"}
    assert {a["raised_by_parcours_at"] for a in alerts} == {None}


async def test_audit_at_adds_nothing_under_an_alert_raised_by_then(tmp_path: Path) -> None:
    cli, history = keyed_cli(tmp_path), HISTORY
    at_the_end = (await recording()).recorded_until.isoformat()
    shown = await run(cli, "audit", "at", history, "--when", at_the_end)
    assert shown.exit_code == 0, shown.output
    assert "no_contact:contact:20250131T0900" in shown.stdout
    assert "by parcours" not in shown.stdout
    assert "did not raise all these" not in " ".join(shown.stdout.split())


async def test_an_alert_of_a_run_that_ended_without_it_is_said_never_raised(
    tmp_path: Path,
) -> None:
    """`exit-closed-during-publish.json`: a pathway referred long ago, entered after the
    fact, exited and closed for good; its run ended. As it happened, a "no contact" fell
    due between its entries; parcours never raised it, and says so."""
    cli = keyed_cli(tmp_path)
    history = str(HERE / "exit-closed-during-publish.json")
    shown = await run(cli, "audit", "at", history, "--when", "2026-12-31", PARCOURS_LANG="fr")
    assert shown.exit_code == 0, shown.output
    assert "jamais déclenchée par parcours" in shown.stdout
    document = json_of(await run(cli, "audit", "at", history, "--when", "2026-12-31", "--json"))
    alerts = document["open_alerts"]
    assert isinstance(alerts, list)
    assert [a["on_record"] for a in alerts] == ["never_raised"]


@pytest.mark.parametrize(
    ("lang", "stood", "projected"),
    [
        ("en", "as it stood at", "as its timers project it at"),
        ("fr", "tel qu'il était le", "tel que ses minuteries le projettent le"),
    ],
)
async def test_an_instant_past_the_history_is_titled_as_projected(
    tmp_path: Path, lang: str, stood: str, projected: str
) -> None:
    """A title that said "as it stood" on a date still to come read as a fact."""
    cli, history = keyed_cli(tmp_path), HISTORY
    end = (await recording()).recorded_until
    at_the_end = await run(
        cli, "audit", "at", history, "--when", end.isoformat(), PARCOURS_LANG=lang
    )
    assert stood in " ".join(at_the_end.stdout.split())
    later = (end + 400 * DAY).isoformat()
    past_it = await run(cli, "audit", "at", history, "--when", later, PARCOURS_LANG=lang)
    assert past_it.exit_code == 0, past_it.output
    title = " ".join(past_it.stdout.split())
    assert projected in title
    assert stood not in title
