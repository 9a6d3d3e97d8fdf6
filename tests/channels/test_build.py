"""Choosing a partner's channel from its directory entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from parcours.adapters.channels import (
    ChannelKind,
    ChannelUnavailable,
    FileChannel,
    OutgoingMessage,
    SmtpChannel,
    SmtpRelay,
    WebhookChannel,
    build_channel,
)
from parcours.domain.vocabulary import PartnerKind
from parcours.workflows.messages import Notification
from tests.support import T0


def test_each_kind_builds_its_channel(tmp_path: Path) -> None:
    relay = SmtpRelay("127.0.0.1", 2525, sender="parcours@insertion.example")

    mail = build_channel(ChannelKind.EMAIL, "cep@partner.example", smtp=relay)
    hook = build_channel("webhook", "https://partner.example/h", "secret", timeout=3)
    drop = build_channel(ChannelKind.FILE, str(tmp_path))

    assert mail == SmtpChannel(
        "127.0.0.1", 2525, "parcours@insertion.example", "cep@partner.example"
    )
    assert hook == WebhookChannel("https://partner.example/h", "secret", 3)
    assert drop == FileChannel(tmp_path)


def test_email_without_a_relay_is_unavailable() -> None:
    with pytest.raises(ChannelUnavailable, match="SMTP"):
        build_channel(ChannelKind.EMAIL, "cep@partner.example")


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="pigeon"):
        build_channel("pigeon", "somewhere")


def test_a_message_from_a_notification_keeps_only_the_fields() -> None:
    notification = Notification(
        key="p-1:5:referrer",
        partner_kind=PartnerKind.REFERRER,
        partner_name="Amicale du Nid",
        event_kind="contract_signed",
        event_seq=5,
        event_at=T0 + timedelta(days=5),
        fields={"first_name": "Zephyrine"},
        details={"barrier_id": "b-1"},
    )

    message = OutgoingMessage.from_notification(notification)

    assert message.fields == {"first_name": "Zephyrine"}
    assert "details" not in message.payload()
    assert "b-1" not in str(message.payload())
    assert "Zephyrine" not in repr(message)
