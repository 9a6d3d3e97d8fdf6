"""The e-mail channel against a real SMTP server on the loopback interface."""

from __future__ import annotations

import pytest

from parcours.adapters.channels import PermanentFailure, SmtpChannel, TemporaryFailure
from parcours.adapters.channels.smtp import message_id
from tests.channels.builders import outgoing
from tests.receivers import SmtpServer, free_port

PARTNER = "parcours@adecco.example"
SENDER = "parcours@insertion.example"


def channel(port: int, recipient: str = PARTNER) -> SmtpChannel:
    return SmtpChannel("127.0.0.1", port, SENDER, recipient, timeout=5)


def test_the_partner_receives_the_message_once_with_only_the_given_fields(
    smtp_server: SmtpServer,
) -> None:
    message = outgoing(first_name="Zephyrine", availability="weekdays after 17:00")

    channel(smtp_server.port).send(message)

    ((recipients, mail),) = smtp_server.recorder.received
    assert recipients == [PARTNER]
    assert mail["From"] == SENDER
    assert mail["Message-ID"] == message_id(message.key, SENDER)
    assert mail["X-Parcours-Idempotency-Key"] == message.key
    assert "Zephyrine" not in mail["Subject"]
    assert mail["Subject"] == "Parcours : Contrat d'engagement signé / Engagement contract signed"
    body = mail.get_content()
    assert "Prénom / First name : Zephyrine" in body
    assert "Disponibilités / Availability : weekdays after 17:00" in body
    assert "Event: Engagement contract signed" in body
    assert "Quillfeather" not in body
    assert "Nom / Last name" not in body


def test_the_message_id_is_stable_per_idempotency_key() -> None:
    assert message_id("p-1:5:referrer", SENDER) == message_id("p-1:5:referrer", SENDER)
    assert message_id("p-1:5:referrer", SENDER) != message_id("p-1:6:referrer", SENDER)
    assert message_id("p-1:5:referrer", SENDER).endswith("@insertion.example>")


def test_a_rejected_recipient_is_a_permanent_failure(smtp_server: SmtpServer) -> None:
    smtp_server.recorder.replies[PARTNER] = "550 5.1.1 No such mailbox"

    with pytest.raises(PermanentFailure, match="550"):
        channel(smtp_server.port).send(outgoing())
    assert smtp_server.recorder.received == []


def test_a_recipient_deferred_with_4xx_is_a_temporary_failure(smtp_server: SmtpServer) -> None:
    smtp_server.recorder.replies[PARTNER] = "451 4.3.0 Mailbox busy, try later"

    with pytest.raises(TemporaryFailure, match="451"):
        channel(smtp_server.port).send(outgoing())


def test_a_refused_message_is_a_permanent_failure(smtp_server: SmtpServer) -> None:
    smtp_server.recorder.data_reply = "554 5.7.1 Message refused"

    with pytest.raises(PermanentFailure, match="554"):
        channel(smtp_server.port).send(outgoing())


def test_no_server_listening_is_a_temporary_failure() -> None:
    with pytest.raises(TemporaryFailure, match="connection"):
        channel(free_port()).send(outgoing())


def test_the_password_never_shows_in_a_repr() -> None:
    smtp = SmtpChannel("relay.example", 587, SENDER, PARTNER, username="u", password="hunter2")
    assert "hunter2" not in repr(smtp)


def test_starttls_required_but_not_offered_is_a_permanent_failure(
    smtp_server: SmtpServer,
) -> None:
    smtp = SmtpChannel("127.0.0.1", smtp_server.port, SENDER, PARTNER, starttls=True, timeout=5)

    with pytest.raises(PermanentFailure, match="extension"):
        smtp.send(outgoing())
    assert smtp_server.recorder.received == []
