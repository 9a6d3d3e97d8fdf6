"""An erasure names the partners sent messages about the person (GDPR article 19: the
data-protection officer tells each of them), with the participant fields the programme
sends each kind; on the real dev server, with a real mail server and webhook receiver."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import OutboxStatus, Partner
from parcours.app.erasure import erase_person
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind
from tests.polling import eventually
from tests.servers import TEST_KEYRING
from tests.support import COORDINATOR, T0, meta
from tests.workflows.partner_bench import REFERRER_MAILBOX, Bench, refer

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP_CRITERIA = ("precarious_worker", "lives_in_territory")
ASKED = meta(COORDINATOR, reason="asked by the person")


def sent(bench: Bench, pid: str) -> list[tuple[str, OutboxStatus]]:
    return [(n.partner_name, n.status) for n in bench.store.notifications(pathway_id=pid)]


async def test_an_erasure_names_every_partner_told_of_the_person(bench: Bench) -> None:
    pid = await refer(bench)
    for kind in (PartnerKind.REFERRER, PartnerKind.TEMP_AGENCY):
        await bench.pathways.execute(pid, c.GiveConsent(kind, T0), meta())
    for command in (c.CompleteIntake(T0, ATP_CRITERIA), c.SignContract(T0), c.StartCoaching(T0)):
        await bench.pathways.execute(pid, command, meta())
    await eventually(
        lambda: sent(bench, pid),
        lambda rows: (
            {("CCAS", OutboxStatus.SENT), ("Interim 95", OutboxStatus.SENT)} <= set(rows)
            and all(status is OutboxStatus.SENT for _, status in rows)
        ),
        what="the referrer's mails and the agency's webhook marked sent",
    )
    told = [n for n in bench.store.notifications(pathway_id=pid) if n.partner_name == "CCAS"]

    erased = await erase_person(bench.pathways, bench.store, TEST_KEYRING, pid, ASKED)
    by_name = {r.name: r for r in erased.recipients}
    assert list(by_name) == ["CCAS", "Interim 95"]  # in the order first told
    referrer, agency = by_name["CCAS"], by_name["Interim 95"]
    assert (referrer.kind, referrer.channel, referrer.fields) == (
        PartnerKind.REFERRER,
        "email",
        ("first_name", "last_name"),
    )
    assert referrer.messages == len(told) >= 2
    assert referrer.last_sent_at == max(n.sent_at for n in told if n.sent_at is not None)
    assert (agency.kind, agency.channel, agency.messages) == (PartnerKind.TEMP_AGENCY, "webhook", 1)
    assert agency.fields == ("first_name", "availability", "skills")
    assert (referrer.address, agency.address) == (REFERRER_MAILBOX, bench.hooks.url)


async def test_files_are_deleted_in_every_folder_a_replaced_partner_had(
    bench: Bench, tmp_path: Path
) -> None:
    """The CCAS's folder changes between two messages (`partners add --replace`): the
    erasure deletes the files in both, and names both addresses to the officer. Before,
    it looked only in the folder the directory names now, and the first file stayed."""
    first, then = tmp_path / "ccas", tmp_path / "ccas-new"
    ccas = Partner("CCAS", PartnerKind.REFERRER, ChannelKind.FILE, str(first))
    bench.store.add_partner(ccas)
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await all_sent(bench, pid, 1)
    bench.store.add_partner(replace(ccas, address=str(then)))
    await bench.pathways.execute(pid, c.SignContract(T0), meta())
    await all_sent(bench, pid, 2)
    assert list(first.iterdir())  # the control: a file in each folder
    assert list(then.iterdir())

    erased = await erase_person(bench.pathways, bench.store, TEST_KEYRING, pid, ASKED)
    assert (list(first.iterdir()), list(then.iterdir())) == ([], [])
    assert erased.files_deleted == len(bench.store.notifications(pathway_id=pid))
    assert [(r.name, r.address) for r in erased.recipients] == [
        ("CCAS", str(first)),
        ("CCAS", str(then)),
    ]


async def all_sent(bench: Bench, pid: str, at_least: int) -> None:
    await eventually(
        lambda: sent(bench, pid),
        lambda rows: len(rows) >= at_least and all(s is OutboxStatus.SENT for _, s in rows),
        what=f"at least {at_least} message(s) to the CCAS's folder marked sent",
    )


async def test_a_person_no_partner_heard_of_has_no_one_to_tell(bench: Bench) -> None:
    pid = await refer(bench)  # no consent: nothing leaves parcours
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    erased = await erase_person(bench.pathways, bench.store, TEST_KEYRING, pid, ASKED)
    assert erased.recipients == ()
