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
from parcours.audit.raised import AlertOnRecord, AlertOrigin, alerts_on_record
from parcours.audit.recording import Recording, record_of
from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.records import Alert, PathwayEvent
from parcours.domain.vocabulary import AlertAudience, AlertRule, Role
from tests.audit.helpers import cli_for, json_of, run
from tests.histories.record import HERE, history_keyring

pytestmark = pytest.mark.asyncio(loop_scope="session")

NAME = "atp-entered-after-the-fact"
DAY = timedelta(days=1)
MISSED = "appointment_missed:a2:20250105T0900"
RAISED = "no_contact:contact:20250131T0900"
"""The one alert the workflow raised, when the entries were typed on 2026-12-02."""


async def recording() -> Recording:
    history = read_history_file(HERE / f"{NAME}.json")
    return await record_of(history, data_converter(history_keyring()))


def origins(marks: dict[str, AlertOnRecord]) -> dict[str, AlertOrigin]:
    return {alert_id: mark.origin for alert_id, mark in marks.items()}


async def test_alerts_due_between_back_dated_entries_were_never_raised() -> None:
    entered = await recording()
    two_months = snapshot_at(entered, entered.referral.referred_at + 60 * DAY)
    assert {a.alert_id for a in two_months.open_alerts} == set(two_months.alerts_on_record)
    assert MISSED in two_months.alerts_on_record
    assert set(origins(two_months.alerts_on_record).values()) == {AlertOrigin.NEVER_RAISED}
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


def test_an_alert_raised_after_the_instant_asked_was_raised_later() -> None:
    due = datetime(2025, 2, 1, 9, tzinfo=UTC)
    typed = datetime(2025, 6, 1, 10, tzinfo=UTC)
    alert = Alert(RAISED, AlertRule.NO_CONTACT, "contact", due, due, AlertAudience.REFERENT)
    raise_event = PathwayEvent(
        seq=9,
        kind=AlertTrigger.RAISE_ALERT.event,
        at=typed,
        actor_id="system",
        role=Role.SYSTEM,
        details={"alert_id": RAISED},
    )
    asked = due + DAY
    later = alerts_on_record([alert], [raise_event], asked, recorded_until=typed + DAY)
    assert later == {RAISED: AlertOnRecord(AlertOrigin.RAISED_LATER, typed)}
    assert later[RAISED].after_the_fact
    assert not later[RAISED].raised_by_then
    by_then = alerts_on_record([alert], [raise_event], typed, recorded_until=typed + DAY)
    assert by_then[RAISED] == AlertOnRecord(AlertOrigin.RAISED, typed)
    ended_before = alerts_on_record([alert], [raise_event], asked, recorded_until=typed - DAY)
    assert ended_before[RAISED].origin is AlertOrigin.NEVER_RAISED


@pytest.mark.parametrize(
    ("lang", "never", "legend"),
    [
        ("en", "never raised by parcours", "did not raise every such alert"),
        ("fr", "jamais levée par parcours", "n'a pas levé toutes ces alertes"),
    ],
)
async def test_audit_at_marks_the_alerts_parcours_never_raised(
    tmp_path: Path, lang: str, never: str, legend: str
) -> None:
    cli = cli_for(tmp_path, (HERE / "keys.json").read_text(encoding="utf-8"))
    history = str(HERE / f"{NAME}.json")
    asked = ((await recording()).referral.referred_at + 60 * DAY).isoformat()
    shown = await run(cli, "audit", "at", history, "--when", asked, PARCOURS_LANG=lang)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.count(never) == 4
    assert legend in " ".join(shown.stdout.split())
    document = json_of(await run(cli, "audit", "at", history, "--when", asked, "--json"))
    alerts = document["open_alerts"]
    assert isinstance(alerts, list)
    assert len(alerts) == 4
    assert {a["on_record"] for a in alerts} == {"never_raised"}
    assert {a["raised_by_parcours_at"] for a in alerts} == {None}


async def test_audit_at_adds_nothing_under_an_alert_raised_by_then(tmp_path: Path) -> None:
    cli = cli_for(tmp_path, (HERE / "keys.json").read_text(encoding="utf-8"))
    history = str(HERE / f"{NAME}.json")
    at_the_end = (await recording()).recorded_until.isoformat()
    shown = await run(cli, "audit", "at", history, "--when", at_the_end)
    assert shown.exit_code == 0, shown.output
    assert "no_contact:contact:20250131T0900" in shown.stdout
    assert "by parcours" not in shown.stdout
    assert "did not raise every such alert" not in " ".join(shown.stdout.split())
