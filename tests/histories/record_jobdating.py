"""Record the committed job-dating history: `python -m tests.histories.record_jobdating`.

Plays `tests/workflows/jobdating_walk.py` (plan, invitations, the reminder on its durable
timer, every outcome applied) on a time-skipping dev server of its own, with the
throwaway key of `keys.json` and the two agencies in a scratch read model, told by file.
With `dated`, plays the event entered after the fact instead
(`jobdating_walk.play_dated_jobdating`) and writes `jobdating/DATED.json` (recorded before
`JOBDATING_LATE_INVITATION_PATCH`: do not record it again), with `late` the same walk on
today's code (`LATE.json`, its invitation recorded only); with `retried`,
the event whose failed invitation is sent again (`play_retried_jobdating`, `RETRIED`). Otherwise
writes `jobdating/jobdating-event.json`: in a folder of its own, since the pathway's
replay tests read every `*.json` beside this module as a `ParticipantPathway` history;
`tests/workflows/test_replay_jobdating.py` replays it as a `JobDating` one.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.vocabulary import PartnerKind
from parcours.worker import build_worker, default_activities
from tests.histories.record import HERE, history_keyring
from tests.servers import start_skipping_server
from tests.workflows.jobdating_walk import (
    play_dated_jobdating,
    play_jobdating,
    play_retried_jobdating,
)

JOBDATING_HISTORIES = HERE / "jobdating"


DATED = "jobdating-entered-after-the-fact"
"""The event entered after the fact (`JOBDATING_DATED_PATCH`), recorded alone:
`python -m tests.histories.record_jobdating dated`."""


LATE = "jobdating-invited-after-the-day"
"""The event entered after the fact again, on the code since `JOBDATING_LATE_INVITATION_PATCH`:
its invitation, recorded after the day, sends nothing. Recorded alone:
`PARCOURS_DECLARED_ROLES=1 python -m tests.histories.record_jobdating late` (the worker
takes the declared roles of the throwaway requests, as for every variant)."""


RETRIED = "jobdating-message-retried"
"""An event whose failed invitation is sent again (the `retry_message` update), recorded
alone: `python -m tests.histories.record_jobdating retried`."""


async def record_jobdating(out_dir: Path = JOBDATING_HISTORIES, *, variant: str = "") -> Path:
    if variant == "dated" and out_dir == JOBDATING_HISTORIES:
        raise SystemExit(
            f"{DATED}.json took the old branch of JOBDATING_LATE_INVITATION_PATCH (its "
            "invitation sent): today's code cannot make it again; record `late` instead"
        )
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.self_contained(scratch)
        store = open_store(settings.readmodel_url)
        for agency in ("Interim 95", "Adecco"):
            folder = str(Path(scratch) / "agencies" / agency)
            store.add_partner(Partner(agency, PartnerKind.TEMP_AGENCY, ChannelKind.FILE, folder))
        mailed = Partner("Manpower", PartnerKind.TEMP_AGENCY, ChannelKind.EMAIL, "jd@manpower.test")
        store.add_partner(mailed)  # no mail relay here: its messages fail for good
        env = await start_skipping_server(history_keyring())
        try:
            async with build_worker(env.client, settings, default_activities(settings)):
                pathways = PathwayClient(env.client, settings.task_queue)
                if variant in ("dated", "late"):
                    event = await play_dated_jobdating(pathways, store)
                elif variant == "retried":
                    event = await play_retried_jobdating(env, pathways, store)
                else:
                    event = await play_jobdating(env, pathways, store)
                history = await env.client.get_workflow_handle(event).fetch_history()  # done
        finally:
            await env.shutdown()
            store.close()
    name = {"dated": DATED, "late": LATE, "retried": RETRIED}.get(variant, "jobdating-event")
    path = out_dir / f"{name}.json"
    path.write_text(history.to_json(), encoding="utf-8")
    print(f"recorded {path.name}: {len(history.events)} events")
    return path


if __name__ == "__main__":
    asyncio.run(record_jobdating(variant=sys.argv[1] if sys.argv[1:] else ""))
