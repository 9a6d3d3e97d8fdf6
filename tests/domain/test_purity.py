"""The domain is pure: its modules import only the standard library, `transitions`,
`pydantic`, `email_validator` (the syntax checker pydantic uses, called offline: no DNS
lookup) and the domain itself (no Temporal, no database, no I/O adapters).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import parcours.domain

DOMAIN_DIR = Path(parcours.domain.__file__).parent
MODULES = sorted(DOMAIN_DIR.rglob("*.py"))
THIRD_PARTY_ALLOWED = frozenset({"transitions", "pydantic", "email_validator"})


def forbidden_imports(source: str) -> list[str]:
    """Imported modules that are neither standard library, allowed, nor the domain."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 0:  # relative: inside parcours.domain by construction
                continue
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.partition(".")[0]
            if name == "parcours.domain" or name.startswith("parcours.domain."):
                continue
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            if top in THIRD_PARTY_ALLOWED:
                continue
            found.append(name)
    return found


def test_the_domain_has_modules() -> None:
    names = {m.relative_to(DOMAIN_DIR).as_posix() for m in MODULES}
    assert {"pathway.py", "programme.py", "guards.py", "alerts.py", "outcome.py"} <= names
    assert {"commands/__init__.py", "commands/base.py", "commands/lifecycle.py"} <= names


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.relative_to(DOMAIN_DIR).as_posix())
def test_domain_module_imports_only_allowed_modules(module: Path) -> None:
    assert forbidden_imports(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import temporalio", ["temporalio"]),
        ("from sqlalchemy.orm import Session", ["sqlalchemy.orm"]),
        ("import parcours.workflows.pathway", ["parcours.workflows.pathway"]),
        ("from parcours import samples", ["parcours"]),
        ("from parcours.domainx import y", ["parcours.domainx"]),
        ("def f() -> None:\n    import structlog", ["structlog"]),
        ("import datetime, json\nfrom pydantic import BaseModel", []),
        ("from transitions import Machine\nfrom parcours.domain.vocabulary import Stage", []),
        ("from __future__ import annotations\nfrom . import errors", []),
    ],
    ids=[
        "temporal",
        "sqlalchemy",
        "workflows",
        "parcours-root",
        "lookalike-package",
        "nested-import",
        "stdlib-and-pydantic",
        "transitions-and-domain",
        "future-and-relative",
    ],
)
def test_the_checker_itself(source: str, expected: list[str]) -> None:
    assert forbidden_imports(source) == expected
