"""The CLI's person sealer is made once, when first used, even by several threads."""

from __future__ import annotations

import copy
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from parcours.cli.connection import SealerOnFirstUse


class Sealer:
    def seal_reason(self, pathway_id: str, reason: str) -> str:
        return f"sealed({pathway_id}, {reason})"


def test_nothing_is_made_until_used_then_once_for_every_thread() -> None:
    made: list[Sealer] = []
    gate = threading.Event()

    def make() -> Sealer:
        gate.wait(5)
        time.sleep(0.05)  # slow, as opening the read model is: the threads pile up here
        made.append(Sealer())
        return made[-1]

    lazy = SealerOnFirstUse(make)
    assert made == []
    with ThreadPoolExecutor(8) as pool:
        sealed = [pool.submit(lazy.seal_reason, f"p{i}", "r") for i in range(8)]
        gate.set()
        results = [future.result(10) for future in sealed]
    assert len(made) == 1
    assert results == [f"sealed(p{i}, r)" for i in range(8)]


def test_a_copy_is_made_without_making_the_sealer() -> None:
    lazy = SealerOnFirstUse(Sealer)
    assert copy.copy(lazy).seal_reason("p", "r") == "sealed(p, r)"
