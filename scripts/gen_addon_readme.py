#!/usr/bin/env python3
"""Write kundenbindung_addon/README.rst (the page the Apps store and OCA's
tools read) from the manifest and the ``readme/`` fragments.

    python scripts/gen_addon_readme.py [--check]

``--check`` exits 1 when README.rst is not what the fragments give.
"""

import ast
import pathlib
import re
import sys

ADDON = pathlib.Path(__file__).resolve().parent.parent / "kundenbindung_addon"
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def rst(markdown):
    """The fragments' small Markdown subset as reStructuredText: inline code
    gets double backquotes; emphasis, lists and paragraphs read the same."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", markdown.strip())


def heading(text, char):
    return f"{text}\n{char * len(text)}\n"


def render():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    parts = [
        "=" * len(manifest["name"]),
        manifest["name"],
        "=" * len(manifest["name"]),
        "",
        ".. |license| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png",
        "    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
        "    :alt: License: LGPL-3",
        "",
        "|license|",
        "",
        manifest["summary"],
        "",
    ]
    for fragment, title in SECTIONS:
        path = ADDON / "readme" / fragment
        if not path.exists():
            continue
        if title:
            parts.append(heading(title, "="))
        parts += [rst(path.read_text(encoding="utf-8")), ""]
    parts += [
        heading("Credits", "="),
        heading("Authors", "~"),
        f"* {manifest['author']}",
        "",
        f"This module is maintained at {manifest['website']}.",
        "",
    ]
    return "\n".join(parts)


def main(argv):
    text = render()
    target = ADDON / "README.rst"
    if "--check" in argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print("README.rst is out of date: run python scripts/gen_addon_readme.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print("wrote", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
