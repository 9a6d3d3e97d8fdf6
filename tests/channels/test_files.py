"""The file channel: one private file per idempotency key, written once."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from urllib.parse import unquote

from parcours.adapters.channels import FileChannel
from parcours.adapters.channels.files import file_name
from tests.channels.builders import outgoing


def test_a_notification_is_written_once_as_a_private_json_file(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path / "outbox" / "notifications")
    message = outgoing(first_name="Zephyrine")

    channel.send(message)
    channel.send(outgoing(first_name="Someone else"))

    (written,) = (tmp_path / "outbox" / "notifications").iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "idempotency_key": message.key,
        "partner": "Adecco Marseille",
        "partner_kind": "temp_agency",
        "event_kind": "contract_signed",
        "event_at": "2026-01-10T09:00:00+00:00",
        "fields": {"first_name": "Zephyrine"},
    }


def test_each_key_gets_its_own_file_inside_the_folder(tmp_path: Path) -> None:
    channel = FileChannel(tmp_path)
    keys = ["p-1:5:referrer", "p-1:5/referrer", "../p-1:6:referrer", "p-1_5_referrer"]

    for key in keys:
        channel.send(outgoing(key))

    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == len(keys)
    assert all("/" not in n for n in names)
    assert sorted(unquote(n.removesuffix(".json")) for n in names) == sorted(keys)
    assert channel.path_for(keys[0]).name == file_name(keys[0])
