#!/usr/bin/env python3
"""Inside Odoo: prepare the demo company, or generate and load demo data.

Run by ``scripts/demo.py`` with the Odoo package importable::

    load_demo.py company -- <odoo options>
    load_demo.py data --partners 2000 [--invoice-lines N] [--seed 42]
        [--method bulk|orm] [--duplicates-csv PATH] -- <odoo options>

``<odoo options>`` are the usual ``-d``, ``--addons-path`` and ``--db_*``.
"""

import argparse
import json
import pathlib
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

COMPANY = {
    "name": "Muster Bürobedarf GmbH",
    "street": "Industriestraße 12",
    "zip": "70565",
    "city": "Stuttgart",
    "phone": "+49 711 1234560",
    "email": "info@muster-buerobedarf.de",
    "website": "https://www.muster-buerobedarf.de",
}
SALESPEOPLE = (
    ("Katrin Vogel", "katrin.vogel"),
    ("Jörg Hansen", "joerg.hansen"),
    ("Selin Aydın", "selin.aydin"),
)


def setup_company(env):
    """A German company in EUR, before the accounting chart is installed,
    so that Odoo picks the German chart (SKR03) itself."""
    company = env.ref("base.main_company")
    euro = env.ref("base.EUR")
    euro.active = True
    company.write(dict(COMPANY, country_id=env.ref("base.de").id, currency_id=euro.id))
    env["res.lang"]._activate_lang("de_DE")
    env.ref("base.user_admin").write({"lang": "de_DE", "tz": "Europe/Berlin"})
    env.ref("base.partner_admin").write({"lang": "de_DE"})


def salespeople(env):
    group = env.ref("sales_team.group_sale_salesman")
    users = env["res.users"]
    for name, login in SALESPEOPLE:
        user = env["res.users"].search([("login", "=", login)], limit=1)
        if not user:
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": name,
                        "login": login,
                        "password": login,
                        "email": "%s@muster-buerobedarf.de" % login,
                        "lang": "de_DE",
                        "tz": "Europe/Berlin",
                        "groups_id": [(4, group.id)],
                    }
                )
            )
        users |= user
    return users


def load_data(env, args):
    from odoo.addons.kundenbindung_addon.tools import demo_data
    from odoo.addons.kundenbindung_addon.tools.demo_loader import DemoLoader

    # German terms of modules installed before the language (country names, ...)
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["de_DE"])
    started = time.monotonic()
    data = demo_data.generate(partners=args.partners, invoice_lines=args.invoice_lines, seed=args.seed)
    generated = time.monotonic() - started
    loader = DemoLoader(env, data, salespeople=salespeople(env))
    stats = loader.load(method=args.method)
    stats["generate_seconds"] = round(generated, 1)
    if args.duplicates_csv:
        path = pathlib.Path(args.duplicates_csv)
        path.parent.mkdir(parents=True, exist_ok=True)
        pairs = data.duplicates.assign(
            duplicate_id=data.duplicates["duplicate_key"].map(loader.partner_ids),
            original_id=data.duplicates["original_key"].map(loader.partner_ids),
        )
        pairs.to_csv(path, index=False)
        stats["duplicates_csv"] = str(path)
    stats["duplicate_pairs"] = len(data.duplicates)
    stats["seconds"] = round(time.monotonic() - started, 1)
    return stats


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        own, odoo_args = argv[:split], argv[split + 1 :]
    else:
        own, odoo_args = argv, []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["company", "data"])
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--invoice-lines", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--method", choices=["bulk", "orm"], default="bulk")
    parser.add_argument("--duplicates-csv")
    args = parser.parse_args(own)

    odoo.tools.config.parse_config(odoo_args)
    dbname = odoo.tools.config["db_name"]
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.step == "company":
            setup_company(env)
            result = {"company": env.ref("base.main_company").name}
        else:
            admin = env.ref("base.user_admin")
            env = api.Environment(cr, admin.id, {"lang": "de_DE"})
            result = load_data(env, args)
        # leaving the block commits the cursor
    print("DEMO " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
