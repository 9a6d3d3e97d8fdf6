"""The tests' own layout rules (tests/README.md), checked so that they stay true.

- No module imports a test module (`test_*.py`): what tests share lives in helper modules
  (support.py, polling.py, builders.py, ...).
- No module imports a conftest.py: pytest provides its fixtures by name, and the helpers
  it needs live in helper modules too.
- No fixture is imported (the old `# noqa: F401` / `# noqa: F811` pattern): it is defined
  in the conftest.py of the narrowest folder that covers all its users.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).parent
SILENCED = ("noqa: F401", "noqa: F811")


@dataclass(frozen=True)
class Imported:
    """One `import` statement of one file: the modules it names, and the names taken."""

    line: int
    module: str
    names: tuple[str, ...]

    def modules(self) -> list[str]:
        """The module itself, and each name that may be a module of it."""
        return [self.module, *(f"{self.module}.{name}" for name in self.names)]


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(path: Path, root: Path) -> Iterator[Imported]:
    package = module_name(path, root).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(node.lineno, alias.name, ())
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's own package upwards
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield Imported(node.lineno, base, tuple(alias.name for alias in node.names))


def fixtures_in(path: Path) -> set[str]:
    """The names of the functions this module decorates as pytest fixtures."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any("fixture" in ast.unparse(d) for d in node.decorator_list)
    }


def is_test_or_conftest(module: str, package: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    inside = module == package or module.startswith(f"{package}.")
    return inside and (last.startswith("test_") or last == "conftest")


def layout_faults(root: Path) -> list[str]:
    """Every breach of the rules above in the test package at `root`, one line each."""
    package = root.name
    files = sorted(root.rglob("*.py"))
    fixtures = {module_name(f, root): fixtures_in(f) for f in files}
    faults: list[str] = []
    for path in files:
        where = path.relative_to(root.parent)
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(code in text for code in SILENCED) and path.name != Path(__file__).name:
                faults.append(f"{where}:{number}: a silenced unused or redefined import")
        for imported in imports_in(path, root):
            for module in imported.modules():
                if is_test_or_conftest(module, package):
                    faults.append(f"{where}:{imported.line}: imports {module}")
            taken = fixtures.get(imported.module, set()) & set(imported.names)
            for name in sorted(taken):
                faults.append(f"{where}:{imported.line}: imports the fixture {name}")
    return sorted(set(faults), key=file_then_line)


def file_then_line(fault: str) -> tuple[str, int, str]:
    file, line, what = fault.split(":", 2)
    return file, int(line), what


def test_no_test_module_conftest_or_fixture_is_imported() -> None:
    faults = layout_faults(TESTS)
    assert faults == [], "\n".join(faults)


def test_the_check_finds_each_kind_of_fault(tmp_path: Path) -> None:
    """On a small tree that breaks every rule once, as the tests did before these rules."""
    root = tmp_path / "tests"
    (root / "cli").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "cli" / "__init__.py").write_text("")
    (root / "cli" / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef cli() -> int:\n    return 1\n"
    )
    (root / "cli" / "test_refer.py").write_text("def refer() -> int:\n    return 2\n")
    (root / "test_rebuild.py").write_text(
        "from tests.cli.conftest import cli  # noqa: F401 - fixture\n"
        "from tests.cli.test_refer import refer\n"
        "from .cli import test_refer\n"
    )
    assert layout_faults(root) == [
        "tests/test_rebuild.py:1: a silenced unused or redefined import",
        "tests/test_rebuild.py:1: imports tests.cli.conftest",
        "tests/test_rebuild.py:1: imports the fixture cli",
        "tests/test_rebuild.py:2: imports tests.cli.test_refer",
        "tests/test_rebuild.py:3: imports tests.cli.test_refer",
    ]


def test_every_test_folder_has_its_row_in_the_tests_readme() -> None:
    """tests/README.md says what lives where: a new folder gets its row there."""
    table = (TESTS / "README.md").read_text("utf-8")
    folders = sorted(
        p.name
        for p in TESTS.iterdir()
        if p.is_dir() and any(p.glob("test_*.py")) and p.name != "__pycache__"
    )
    assert folders, TESTS
    assert [f for f in folders if f"| `{f}/`" not in table] == []
