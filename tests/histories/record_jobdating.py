"""Record the committed job-dating history: `python -m tests.histories.record_jobdating`.

Plays `tests/workflows/jobdating_walk.py` (plan, invitations, the reminder on its durable
timer, every outcome applied) on a time-skipping dev server of its own, with the
throwaway key of `keys.json` and the two agencies in a scratch read model, told by file.
Writes `jobdating/jobdating-event.json`: in a folder of its own, since the pathway's
replay tests read every `*.json` beside this module as a `ParticipantPathway` history;
`tests/workflows/test_replay_jobdating.py` replays it as a `JobDating` one.
"""

from __future__ import annotations

import asyncio
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
from tests.workflows.jobdating_walk import play_jobdating

JOBDATING_HISTORIES = HERE / "jobdating"


async def record_jobdating(out_dir: Path = JOBDATING_HISTORIES) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env({"PARCOURS_DATA_DIR": scratch})
        store = open_store(settings.readmodel_url)
        for agency in ("Interim 95", "Adecco"):
            folder = str(Path(scratch) / "agencies" / agency)
            store.add_partner(Partner(agency, PartnerKind.TEMP_AGENCY, ChannelKind.FILE, folder))
        env = await start_skipping_server(history_keyring())
        try:
            async with build_worker(env.client, settings, default_activities(settings)):
                pathways = PathwayClient(env.client, settings.task_queue)
                event = await play_jobdating(env, pathways, store)
                history = await env.client.get_workflow_handle(event).fetch_history()  # done
        finally:
            await env.shutdown()
            store.close()
    path = out_dir / "jobdating-event.json"
    path.write_text(history.to_json(), encoding="utf-8")
    print(f"recorded {path.name}: {len(history.events)} events")
    return path


if __name__ == "__main__":
    asyncio.run(record_jobdating())
