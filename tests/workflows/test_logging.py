"""The workflow logs each applied command once, even when every task replays the history."""

from __future__ import annotations

import io
import json
import logging

import pytest

from parcours.adapters.logs import configure_logging
from parcours.app.client import PathwayClient
from parcours.programmes import get_programme
from tests.samples import full_atp_pathway
from tests.scenarios import drive
from tests.support import RECOGNISABLE_NAME, T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_replay_does_not_repeat_log_lines(uncached_pathways: PathwayClient) -> None:
    out = io.StringIO()
    configure_logging(logging.INFO, out)
    try:
        atp = get_programme("atp-cergy")
        pid = await uncached_pathways.refer(atp, participant(), referral(), meta())
        steps = full_atp_pathway(T0)[:12]
        await drive(uncached_pathways, pid, steps)
    finally:
        configure_logging(logging.WARNING)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    applied = [line for line in lines if line["event"] == "command applied"]
    assert len(applied) == len(steps)
    assert [line["seq"] for line in applied] == sorted({line["seq"] for line in applied})
    assert RECOGNISABLE_NAME.split()[0] not in out.getvalue()
    assert "Quillfeather" not in out.getvalue()
