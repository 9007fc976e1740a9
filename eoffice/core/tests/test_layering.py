"""The apps import each other in one direction only (docs/architecture.md).

Test modules and `if TYPE_CHECKING:` blocks are not counted: they never run in production.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Each app may import the apps listed here, and nothing else of eoffice.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "directory": {"core"},
    "workcalendar": {"core"},
    "people": {"core", "directory"},
    "accounts": {"core", "directory", "people"},
    "work": {"core", "directory", "people", "workcalendar"},
    "documents": {"core", "directory", "people", "workcalendar", "work", "signing"},
    "outgoing": {"core", "directory", "people", "workcalendar", "work", "documents", "signing"},
    # The demo sits on top: it seeds a province, down to a signing kit (keys, seal, approval chain).
    "demo": {"core", "directory", "people", "accounts", "signing", "outgoing"},
    "web": {"core", "directory", "people", "accounts", "workcalendar", "work", "documents"},
    "testing": {"core", "directory", "people", "accounts"},
    "signing": {"core", "directory"},
    "exchange": {"core", "directory", "people", "workcalendar", "work", "documents", "outgoing", "signing"},
    "notifications": {"core", "directory", "people"},
    "reminders": {"core", "directory", "people", "workcalendar", "work", "notifications"},
    "oversight": {
        "core",
        "directory",
        "people",
        "workcalendar",
        "work",
        "documents",
        "outgoing",
        "notifications",
        "reminders",
    },
}


def _runtime_imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eoffice."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("eoffice."))
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return found


def test_apps_import_downwards_only() -> None:
    problems = []
    for app, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / app).rglob("*.py")):
            if "tests" in path.relative_to(PACKAGE).parts:
                continue
            imported = _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))) - {app}
            for other in sorted(imported - allowed):
                problems.append(f"{path.relative_to(PACKAGE.parent)} imports eoffice.{other}")
    assert not problems, "\n".join(problems)


def test_every_app_is_placed_in_the_layering() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps <= set(ALLOWED), f"add {sorted(apps - set(ALLOWED))} to ALLOWED"
