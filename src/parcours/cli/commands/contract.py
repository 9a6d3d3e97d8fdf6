"""`parcours contract sign`: into accompaniment (coaching, job-datings: modules of their own)."""

from __future__ import annotations

from parcours.cli.act import dated_action
from parcours.cli.options import group_module
from parcours.domain import commands as c

commands, contract = group_module("contract")


dated_action(contract, "sign", c.SignContract)
