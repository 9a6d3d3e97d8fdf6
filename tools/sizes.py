"""The house's size rules: no source module over 300 lines, no function over 40 lines.

Run by `make test` (`make sizes`); migrations are generated code and are left out. Prints
each offender and exits 1 when there is one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 40


def offenders(root: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(
                        f"{path}:{node.lineno} {node.name}(): {length} lines "
                        f"(at most {MAX_FUNCTION_LINES})"
                    )
    return found


def main() -> int:
    roots = [Path(arg) for arg in sys.argv[1:]] or [Path("src")]
    found = [row for root in roots for row in offenders(root)]
    print("\n".join(found) or "sizes: every module and function within bounds")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
