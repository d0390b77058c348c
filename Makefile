# kundenbindung_addon: engine tests, the real-Odoo suite, demo data.
# ODOO_PATH=/path/to/odoo-18-source (with odoo-bin) selects the Odoo to use;
# without it an importable `odoo` package is used, if any.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements-installed

.PHONY: test test-engine test-odoo demo demo-check bench bench-duplicates bench-forecasts bench-clusters lint format-xml dev venv clean wheel

venv: $(STAMP)

# The venv sees the system site-packages, so an Odoo installed there (and its
# own requirements) stays visible to the harness.
$(STAMP): requirements.txt
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

test: test-engine test-odoo

test-engine: $(STAMP)
	$(PY) -m pytest -q tests

test-odoo: $(STAMP)
	$(PY) tests/odoo_suite.py

# says at once, before installing anything, what ODOO_PATH must point to
demo-check:
	@$(PYTHON) -c "import sys; sys.path.insert(0, '.'); from harness.odoo_env import odoo_problem; p = odoo_problem(); p and print('make demo needs Odoo 18. ' + p); sys.exit(2 if p else 0)"

demo: demo-check $(STAMP)
	$(PY) scripts/demo.py $(DEMO_ARGS)

# Duplicate detection beside splink on FEBRL1-4, the corruption generator and
# 1,000,000 synthetic records (BENCH_DUP_ARGS, e.g. --scale 0 --no-peer).
bench-duplicates: $(STAMP)
	$(PY) scripts/bench_duplicates.py $(BENCH_DUP_ARGS)

# The lifetime-value forecast on public CDNOW beside lifetimes (BG/NBD + Gamma-Gamma).
bench-forecasts: $(STAMP)
	$(PY) scripts/bench_forecasts.py

# Interest clusters on 100,000 customers x 50 categories: the choice of k against the final fit.
bench-clusters: $(STAMP)
	$(PY) scripts/bench_clusters.py

# Generator and bulk loader at full size: time and database size (after the
# duplicate detection bench).
bench: $(STAMP) bench-duplicates bench-forecasts bench-clusters
	$(PY) scripts/demo.py --db kundenbindung_bench --partners 164000 --invoice-lines 2000000 --reset --no-serve --segment-runs 3 --segment-step-days 1 --baseline --cluster-runs 2 --cluster-level 3 --cluster-min-invoices 1 --cluster-window-months 24 --duplicate-changed 1000 --merge-pairs 20 --first-night --posting-invoices 1000 --effect-recipients 50000 --nps-partners 20000 --views

# The addon as a wheel (whool, as OCA builds them): odoo-addon-kundenbindung_addon,
# without the demo tooling (kundenbindung_demo is development only, never a wheel)
wheel: $(STAMP)
	$(PY) -m pip wheel --no-deps -w dist ./kundenbindung_addon

# ruff, ruff-format and pylint-odoo (OCA's Odoo checks, .pylintrc); the addons' README.rst
lint: dev node_modules/.package-lock.json
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pylint --rcfile=.pylintrc kundenbindung_addon kundenbindung_demo
	$(PY) scripts/gen_addon_readme.py --check
	npx --no-install prettier --check "kundenbindung_addon/**/*.xml"

# prettier with its XML plugin, at the versions of package-lock.json (development only)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# the XML formatted as OCA formats it
format-xml: node_modules/.package-lock.json
	npx --no-install prettier --write "kundenbindung_addon/**/*.xml"

# ruff and playwright (screenshots with Debian's chromium) for developers
dev: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

clean:
	rm -rf $(VENV) .test-results .pytest_cache .hypothesis dist
