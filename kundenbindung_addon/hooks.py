# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Every existing company gets its Customer Retention configuration
    (with the defaults, among them the shipped NPS survey, loaded by now);
    companies created later get theirs with the company."""
    env["res.company"].with_context(active_test=False).search([])._kundenbindung_ensure_config()
