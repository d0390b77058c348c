"""Make the pure packages importable without Odoo.

``engine`` (from ``kundenbindung_addon/``) and ``tools`` (the demo tooling,
from the development-only ``kundenbindung_demo/``) are imported as top-level
packages; nothing in ``engine`` imports ``odoo``, nor does any tool but the
loader, which ``test_engine_is_pure`` checks.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(__file__))
for folder in ("kundenbindung_addon", "kundenbindung_demo"):
    path = os.path.join(ROOT, folder)
    if path not in sys.path:
        sys.path.insert(0, path)
