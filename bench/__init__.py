"""Benchmarks of parcours, run on demand (`make bench`); results are reported in the README.

They send requests as declared roles, as the tests do: `PARCOURS_DECLARED_ROLES=1` for
every benchmark and every process it starts, unless already set (`bench.signing` measures
what the check of signed actors costs, with it on).
"""

from __future__ import annotations

import os

from parcours.adapters.settings import DECLARED_ROLES

os.environ.setdefault(DECLARED_ROLES, "1")
