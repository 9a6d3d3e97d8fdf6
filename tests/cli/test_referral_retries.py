"""`refer` retried with its `--request-id` answers the pathway it reserved, never a second.

On 7a0d513, for a person whose earlier pathway had closed, the retry's reservation was
answered from the first try and then ignored: a fresh pathway id was started, and the
person had two running pathways.
"""

from __future__ import annotations

import asyncio
import json

from temporalio.client import Client

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer
from tests.polling import eventually_blocking


def close(cli: Cli, pathway_id: str) -> None:
    """The pathway ends (as a coordinator's close does), straight through the service."""

    async def terminate() -> None:
        client = await Client.connect(cli.env["PARCOURS_TEMPORAL_ADDRESS"])
        await client.get_workflow_handle(pathway_id).terminate("closed by the test")

    asyncio.run(terminate())


def test_a_referral_retried_with_its_request_id_answers_the_pathway_it_reserved(
    cli: Cli,
) -> None:
    earlier = refer(cli)
    close(cli, earlier)
    first = refer(cli, "--request-id", "req-after-close")
    retried = refer(cli, "--request-id", "req-after-close")
    assert retried == first != earlier

    said = cli("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "r",
               "--first-name", "Zephyrine", "--last-name", "Quillfeather",
               "--birth-date", "1990-04-02", "--request-id", "req-after-close")  # fmt: skip
    assert said.exit_code == 0, said.output
    assert first.removeprefix("pathway-")[:8] in said.stdout
    again = cli("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "r",
                "--first-name", "Zephyrine", "--last-name", "Quillfeather",
                "--birth-date", "1990-04-02")  # fmt: skip
    assert again.exit_code == ExitCode.REFUSED, again.output
    assert first in again.stderr
    eventually_blocking(
        lambda: {p["pathway_id"] for p in json.loads(cli("list", "--json").stdout)},
        lambda ids: ids == {first},
        what="the one pathway reserved is listed, and no other",
    )
