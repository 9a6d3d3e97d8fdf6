"""`parcours contract sign`: into accompaniment (coaching, job-datings: modules of their own)."""

from __future__ import annotations

import typer

from parcours.cli.act import dated_action
from parcours.cli.options import subgroup
from parcours.domain import commands as c

commands = typer.Typer()
contract = subgroup(commands, "contract")


dated_action(contract, "sign", c.SignContract)
