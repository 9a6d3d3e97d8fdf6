"""`make bench`: every benchmark with its default size, one after the other."""

from __future__ import annotations

import asyncio
import logging

from bench import (
    alerts_query,
    audit,
    cli,
    codec,
    deliveries,
    importing,
    memory,
    pathways,
    referrals,
    scale,
    signing,
    sqlite_pragmas,
    workers,
)
from parcours.adapters.logs import configure_logging

if __name__ == "__main__":
    configure_logging(logging.WARNING)
    print(cli.main(15))
    print(asyncio.run(pathways.main(20, 3)))
    print(asyncio.run(sqlite_pragmas.main(10, 3)))
    print(asyncio.run(audit.main(1000, 50, 3)))
    print(asyncio.run(deliveries.main(35, 5.0)))
    print(asyncio.run(referrals.main(1000)))
    print(asyncio.run(importing.main(500, 1)))
    print(asyncio.run(workers.main(20, 3)))
    print(asyncio.run(codec.main(300, 3)))
    print(asyncio.run(scale.main(1000, 5)))
    print(asyncio.run(memory.main(200, list(memory.RUNNERS), None, 0)))
    print(asyncio.run(signing.main(20, 10)))
    print(alerts_query.main(10000))
