"""Make the addon's pure packages importable without Odoo.

``engine`` and ``tools`` are imported as top-level packages; nothing in them
imports ``odoo``, which ``test_engine_is_pure`` checks.
"""

import os
import sys

ADDON_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "kundenbindung_addon")
if ADDON_DIR not in sys.path:
    sys.path.insert(0, ADDON_DIR)
