"""What must hold once the faults are over, each said as the list of what is wrong.

- every command the service answered is in its pathway's history, at the event it
  answered, and no request is recorded twice;
- the read model says what the workflows say (head, timeline, alerts);
- every message the routes owe was delivered, nothing else was, and a message received
  twice came with the same idempotency key both times (a repeat a partner can recognise).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, fields

from parcours.adapters.readmodel import OutboxStatus, Store
from parcours.app.client import PathwayClient
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import PartnerKind
from parcours.workflows.summaries import PathwayHead
from tests.faults.drive import EXPECTED_DELIVERIES, REFERRER, Ledger
from tests.receivers import HttpReceiver, SmtpServer

KEY_HEADER = "X-Parcours-Idempotency-Key"
PARTNER_KINDS = {"CCAS": PartnerKind.REFERRER, "Interim 95": PartnerKind.TEMP_AGENCY}


def lost_or_doubled(ledger: Ledger, states: dict[str, PathwayState]) -> list[str]:
    """Answered commands missing from their history, and requests recorded twice."""
    wrong: list[str] = []
    for pathway_id, state in states.items():
        events = state.timeline
        seqs = [e.seq for e in events]
        if seqs != list(range(1, len(seqs) + 1)):
            wrong.append(f"{pathway_id}: events numbered {seqs}")
        recorded = Counter(e.request_id for e in events if e.request_id)
        wrong += [
            f"{pathway_id}: request {r} recorded {n} times" for r, n in recorded.items() if n > 1
        ]
        by_seq = {e.seq: e for e in events}
        for answer in ledger.of(pathway_id):
            event = by_seq.get(answer.seq)
            if event is None or event.request_id != answer.request_id:
                wrong.append(
                    f"{pathway_id}: request {answer.request_id} answered event "
                    f"{answer.seq}, which holds {event}"
                )
    return wrong


def _head(source: object) -> dict[str, object]:
    return {f.name: getattr(source, f.name) for f in fields(PathwayHead)}


async def read_model_differences(
    store: Store, pathways: PathwayClient, pathway_id: str
) -> list[str]:
    """Where the read model's rows of the pathway differ from what its workflow answers."""
    status = await pathways.status(pathway_id)
    state = await pathways.state(pathway_id)
    row = store.get_participant(pathway_id)
    if row is None:
        return [f"{pathway_id}: no participant row"]
    told = _head(status)
    wrong = [
        f"{pathway_id}: {name} is {value!r} in the read model, {told[name]!r} in the workflow"
        for name, value in _head(row).items()
        if value != told[name]
    ]
    if row.last_seq != status.last_event_seq:
        wrong.append(f"{pathway_id}: read model at event {row.last_seq} of {status.last_event_seq}")
    projected = [(e.seq, e.kind, e.stage) for e in store.timeline(pathway_id)]
    recorded = [(e.seq, e.kind, e.stage) for e in state.timeline]
    if projected != recorded:
        wrong.append(f"{pathway_id}: timeline {projected} in the read model, {recorded} recorded")
    rows = {(a.alert_id, a.status) for a in store.alerts(pathway_id=pathway_id)}
    alerts = {(a.alert_id, a.status) for a in state.alerts}
    if rows != alerts:
        wrong.append(f"{pathway_id}: alerts {sorted(rows)} in the read model, {sorted(alerts)}")
    return wrong


def owed_keys(states: dict[str, PathwayState]) -> set[str]:
    """The outbox key of every message the scripted pathways owe their partners."""
    owed: set[str] = set()
    for pathway_id, state in states.items():
        for event in state.timeline:
            partner = EXPECTED_DELIVERIES.get(event.kind)
            if partner is not None:
                kind = PARTNER_KINDS[partner].value
                owed.add(f"{pathway_id}:{event.seq}:{kind}:{partner}")
    return owed


@dataclass(frozen=True)
class Delivery:
    """One message as a partner received it: its key, and what it says but the key."""

    partner: str
    key: str
    content: str


def deliveries(smtp: SmtpServer, hooks: HttpReceiver) -> list[Delivery]:
    """Every message the receivers accepted, in the order they came."""
    received: list[Delivery] = []
    for recipients, mail in list(smtp.recorder.received):
        key = str(mail[KEY_HEADER])
        body = mail.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        said = [recipients, str(mail["Subject"]), str(mail["Date"]), text.replace(key, "")]
        received.append(Delivery(REFERRER, key, json.dumps(said)))
    for request in list(hooks.received):
        payload = request.json()
        key = str(payload.pop("idempotency_key"))
        header = request.headers.get(KEY_HEADER)
        if header != key or not request.signature_valid:
            key = f"{key} (header {header}, signed {request.signature_valid})"
        received.append(Delivery(str(payload["partner"]), key, json.dumps(payload, sort_keys=True)))
    return received


def delivery_faults(owed: set[str], received: list[Delivery], store: Store) -> list[str]:
    """Messages owed but not delivered (or not marked sent), sent though not owed, and one
    message received under two keys, or two messages under one key."""
    keys = {d.key for d in received}
    wrong = [f"owed, never received: {k}" for k in sorted(owed - keys)]
    wrong += [f"received, never owed: {k}" for k in sorted(keys - owed)]
    outbox = {e.key: e.status for e in store.notifications()}
    wrong += [
        f"outbox says {outbox.get(k)} for {k}"
        for k in sorted(owed)
        if outbox.get(k) is not OutboxStatus.SENT
    ]
    by_content: dict[str, set[str]] = defaultdict(set)
    by_key: dict[str, set[str]] = defaultdict(set)
    for d in received:
        by_content[d.content].add(d.key)
        by_key[d.key].add(d.content)
    wrong += [f"one message under keys {sorted(k)}" for k in by_content.values() if len(k) > 1]
    wrong += [f"key {k} carried {len(c)} messages" for k, c in by_key.items() if len(c) > 1]
    return wrong


def repeats(received: list[Delivery]) -> int:
    """Messages received again after their first time (each with its key, as checked)."""
    return len(received) - len({d.key for d in received})
