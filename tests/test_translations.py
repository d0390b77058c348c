"""i18n/de.po is complete: every message of the exported template is
translated, not fuzzy, with the same placeholders; and every string the
Python code marks for translation is in the template."""

import ast
import pathlib
import re

import polib
import pytest

ADDON = pathlib.Path(__file__).resolve().parent.parent / "kundenbindung_addon"
POT = ADDON / "i18n" / "kundenbindung_addon.pot"
DE = ADDON / "i18n" / "de.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|%[sdfr]|\{\w*\}")


def _translated_literals():
    """Literal first arguments of ``_()`` and ``env._()`` calls in the addon."""
    for path in ADDON.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name == "_" and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    yield path.name, node.args[0].value


def test_template_and_german_catalogue_exist():
    assert POT.is_file() and DE.is_file()
    assert len(polib.pofile(str(POT))) > 0


def test_every_message_translated_to_german():
    de = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(DE))}
    missing, fuzzy, placeholders = [], [], []
    for entry in polib.pofile(str(POT)):
        found = de.get((entry.msgctxt, entry.msgid))
        if not found or not found.msgstr.strip():
            missing.append(entry.msgid)
            continue
        if "fuzzy" in found.flags:
            fuzzy.append(entry.msgid)
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(found.msgstr)):
            placeholders.append(entry.msgid)
    assert missing == [], "untranslated: %s" % missing
    assert fuzzy == []
    assert placeholders == []


def test_code_strings_are_in_the_template():
    ids = {e.msgid for e in polib.pofile(str(POT))}
    absent = [(f, s) for f, s in _translated_literals() if s not in ids]
    assert absent == [], "re-export the .pot: %s" % absent


@pytest.mark.parametrize("path", [POT, DE])
def test_catalogues_parse_without_duplicates(path):
    entries = polib.pofile(str(path))
    keys = [(e.msgctxt, e.msgid) for e in entries]
    assert len(keys) == len(set(keys))
