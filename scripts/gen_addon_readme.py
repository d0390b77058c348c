#!/usr/bin/env python3
"""Write the README.rst of kundenbindung_addon and of the development-only
kundenbindung_demo (the page the Apps store and OCA's tools read) from each
manifest and ``readme/`` fragments.

    python scripts/gen_addon_readme.py [--check]

``--check`` exits 1 when a README.rst is not what the fragments give.
"""

import ast
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
ADDONS = (REPO / "kundenbindung_addon", REPO / "kundenbindung_demo")
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def rst(markdown):
    """The fragments' small Markdown subset as reStructuredText: inline code
    gets double backquotes; emphasis, lists and paragraphs read the same."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", markdown.strip())


def heading(text, char):
    return f"{text}\n{char * len(text)}\n"


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
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
        path = addon / "readme" / fragment
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
    status = 0
    for addon in ADDONS:
        text = render(addon)
        target = addon / "README.rst"
        if "--check" in argv:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                print("%s/README.rst is out of date: run python scripts/gen_addon_readme.py" % addon.name)
                status = 1
            continue
        target.write_text(text, encoding="utf-8")
        print("wrote", target)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
