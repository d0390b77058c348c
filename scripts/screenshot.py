#!/usr/bin/env python3
"""Log in to a running Odoo and save screenshots of pages (headless Chromium).

    screenshot.py [--url http://127.0.0.1:8069] [--login admin --password admin]
                  OUT.png:/odoo/customer-retention [OUT2.png:/odoo/settings ...]

Uses Playwright's Python API with Debian's Chromium (``/usr/bin/chromium``),
so no browser is downloaded.
"""

import argparse
import sys

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sys.exit("screenshot.py needs the Python package 'playwright' (pip install playwright)")

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shots", nargs="+", help="OUT.png:/path")
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--click", action="append", default=[], help="CSS selector to click before a shot (in order)")
    args = parser.parse_args(argv)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.url + "/web/login")
        page.fill("input[name=login]", args.login)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar, .o_home_menu", timeout=60000)
        for shot in args.shots:
            out, path = shot.split(":", 1)
            page.goto(args.url + path)
            # the web client keeps a bus connection open: wait for its views, not for an idle network
            page.wait_for_selector(".o_main_navbar", timeout=60000)
            page.wait_for_selector(".o_action_manager > *", timeout=60000)
            page.wait_for_timeout(1500)
            for selector in args.click:
                page.click(selector)
                page.wait_for_timeout(800)
            page.screenshot(path=out)
            print("saved", out)
        browser.close()


if __name__ == "__main__":
    main()
