# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Retention: Demo and Bench Data (development only)",
    "summary": "Development tooling for demo and bench data of Customer Retention "
    "(data generator, bulk loader); not meant for production",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/kundenbindung/kundenbindung_addon",
    "author": "kundenbindung_addon authors",
    "maintainers": ["kundenbindung"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["kundenbindung_addon"],
    "external_dependencies": {
        "python": ["Faker"],
    },
}
