# The tools (tools/) are imported by scripts/load_demo.py and the tests
# only, not when Odoo loads the module.
