"""The README's worked example of adding a staff command, taken from the README itself.

Its blocks are written into a copy of the package exactly where the README says: the
domain block into `domain/commands/intake.py`, the CLI block into
`cli/commands/appointments.py`, each catalogue block into its catalogue, the programme
block into a `v2` of ATP. Then a fresh interpreter finds the command in the table, the
permissions and a pathway, offers it from v2, and `parcours appointment call` builds it in
both of the README's forms, with its words in both languages. A README example that no
longer works, or code that no longer takes it, fails here.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import parcours

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "Contributing: adding a staff command"
FENCE = re.compile(r"^( *)```(\w+)\n(.*?)^\1```$", re.DOTALL | re.MULTILINE)


def contributor_section() -> str:
    text = README.read_text("utf-8")
    start = text.index(f"## {SECTION}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def blocks(language: str) -> list[str]:
    """The section's fenced blocks of `language`, their list indentation taken away."""
    found = FENCE.finditer(contributor_section())
    return [textwrap.dedent(m[3]) for m in found if m[2] == language]


def domain_edit(block: str, area: str) -> str:
    """The area module with the block's trigger members, definitions and rows added."""
    tree = ast.parse(block)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.endswith("Trigger"):
            header = f"class {node.name}(Trigger):\n"
            members = [
                f"    {ast.get_source_segment(block, m)}\n"
                for m in node.body
                if isinstance(m, ast.Assign)
            ]
            assert header in area, header
            area = area.replace(header, header + "".join(members))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            rows = [
                ast.get_source_segment(block, row)
                for row in node.value.elts
                if not (isinstance(row, ast.Constant) and row.value is Ellipsis)
            ]
            area += f"\n\nSPECS = (*SPECS, {', '.join(str(r) for r in rows)})\n"
        else:
            area += f"\n\n{ast.get_source_segment(block, node)}\n"
    return area


def named_file(block: str) -> tuple[str, str]:
    """A catalogue block's file, from its first line's comment, and the rest."""
    first, _, rest = block.partition("\n")
    assert first.startswith("# src/parcours/"), first
    return first.removeprefix("# src/parcours/"), rest


CHECKS = """
from datetime import UTC, date, datetime

import typer
from typer.testing import CliRunner

import parcours.cli.act as act_module
from parcours.cli.act import dated_action
from parcours.cli.app import build_app
from parcours.cli.runtime import open_session
from parcours.domain import commands as c
from parcours.domain.commands.intake import RecordPhoneCall
from parcours.domain.events import EVENT_OF_TRIGGER
from parcours.domain.pathway import Pathway
from parcours.domain.permissions import PERMISSIONS
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme

assert c.spec_of("record_phone_call").command is RecordPhoneCall
assert RecordPhoneCall.WHEN == "called_at", RecordPhoneCall.WHEN
assert EVENT_OF_TRIGGER["record_phone_call"] == "phone_call_recorded"
assert "record_phone_call" in PERMISSIONS[Role.STAFF] - PERMISSIONS[Role.PARTNER]

programme = get_programme("atp-cergy")
assert programme.version == 2 and get_programme("atp-cergy", 1).version == 1
now, staff = datetime(2026, 1, 5, 9, tzinfo=UTC), RequestMeta("r1", Actor("s1", Role.STAFF))
refer = c.Refer(referrer="CCAS", referred_at=now, session="2026-01", referent="s1")
old = Pathway.refer(get_programme("atp-cergy", 1), "pw-v1", refer, staff, now)
assert "record_phone_call" not in old.allowed_triggers(Role.STAFF)
pathway = Pathway.refer(programme, "pw-v2", refer, staff, now)
assert "record_phone_call" in pathway.allowed_triggers(Role.STAFF)
event = pathway.execute(RecordPhoneCall(now), RequestMeta("r2", staff.actor), now)
assert event.kind == "phone_call_recorded" and pathway.state.last_contact_at == now

sent = []
act_module.act = lambda ref, command, *rest, **named: sent.append((ref, command))
runner = CliRunner()
helped = runner.invoke(build_app("fr"), ["appointment", "--help"])
assert helped.exit_code == 0 and "appel téléphonique" in helped.output, helped.output
done = runner.invoke(build_app("en"), ["appointment", "call", "PW-1", "--on", "2026-01-05 10:00"])
assert done.exit_code == 0, done.output

session = open_session("en", None, None)
group = typer.Typer(name="appointment")
dated_action(group, "call", RecordPhoneCall)
one_line = typer.Typer()
one_line.add_typer(group)
done = runner.invoke(one_line, ["appointment", "call", "PW-2", "--on", "2026-01-05 10:00"])
assert done.exit_code == 0, done.output

assert [ref for ref, _ in sent] == ["PW-1", "PW-2"], sent
for _, command in sent:
    assert type(command) is RecordPhoneCall, command
    assert command.called_at.date() == date(2026, 1, 5), command
print("ok")
"""


def test_the_readme_has_the_four_blocks_of_its_worked_example() -> None:
    assert len(blocks("python")) == 2
    files = sorted(named_file(b)[0] for b in blocks("toml")[:2])
    assert files == ["locale/en.toml", "locale/fr.toml"]
    assert "[[moves]]" in blocks("toml")[2]


def test_the_readme_worked_example_works_as_written(tmp_path: Path) -> None:
    copy = tmp_path / "parcours"
    shutil.copytree(Path(parcours.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    domain, cli = blocks("python")
    intake = copy / "domain" / "commands" / "intake.py"
    intake.write_text(domain_edit(domain, intake.read_text("utf-8")), "utf-8")
    appointments = copy / "cli" / "commands" / "appointments.py"
    appointments.write_text(appointments.read_text("utf-8") + "\n\n" + cli, "utf-8")
    *catalogues, move = blocks("toml")
    for block in catalogues:
        name, lines = named_file(block)
        target = copy / name
        target.write_text(target.read_text("utf-8") + "\n" + lines, "utf-8")
    programmes = copy / "programmes"
    v1 = (programmes / "atp-cergy.v1.toml").read_text("utf-8")
    v2 = re.sub(r"(?m)^version = 1$", "version = 2", v1, count=1)
    (programmes / "atp-cergy.v2.toml").write_text(f"{v2}\n{move}", "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHECKS],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip() == "ok", done.stderr
