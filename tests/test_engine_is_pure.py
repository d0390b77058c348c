"""The engine must run without Odoo: no module below engine/ imports odoo."""

import ast
import pathlib

ENGINE = pathlib.Path(__file__).resolve().parent.parent / "kundenbindung_addon" / "engine"


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
