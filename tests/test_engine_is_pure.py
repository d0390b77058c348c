"""The engine must run without Odoo: no module below engine/ imports odoo.

The demo tooling lives in the development-only addon ``kundenbindung_demo``:
its generators run without Odoo too (only the loader writes into Odoo), and
the shipped addon neither holds nor imports any of it."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
ADDON = ROOT / "kundenbindung_addon"
ENGINE = ADDON / "engine"
TOOLS = ROOT / "kundenbindung_demo" / "tools"
ODOO_SIDE_TOOLS = {"demo_loader.py"}  # writes the generated frames into Odoo


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level


def test_engine_has_modules():
    assert sorted(p.name for p in ENGINE.glob("*.py"))


def test_no_odoo_and_only_relative_internal_imports():
    offenders = []
    for path in ENGINE.rglob("*.py"):
        for module, level in _imports(path):
            top = module.split(".")[0]
            if top == "odoo" or (level == 0 and top in ("engine", "kundenbindung_addon")):
                offenders.append(f"{path.name}: {module}")
    assert offenders == []


def test_the_generators_run_without_odoo():
    generators = [p for p in TOOLS.glob("*.py") if p.name not in ODOO_SIDE_TOOLS and p.name != "__init__.py"]
    assert {p.name for p in generators} >= {"demo_data.py", "duplicate_corruption.py", "febrl.py"}
    offenders = [
        f"{path.name}: {module}"
        for path in generators
        for module, _level in _imports(path)
        if module.split(".")[0] in ("odoo", "kundenbindung_addon")
    ]
    assert offenders == []


def test_the_shipped_addon_holds_and_imports_no_demo_tooling():
    assert not (ADDON / "tools").exists()
    offenders = []
    for path in ADDON.rglob("*.py"):
        for module, level in _imports(path):
            if "kundenbindung_demo" in module or (level == 0 and module.split(".")[0] == "tools"):
                offenders.append(f"{path.relative_to(ADDON)}: {module}")
    assert offenders == []
