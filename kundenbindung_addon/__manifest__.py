# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Retention (Kundenbindung)",
    "summary": "Clean customer data, ABC/RFM segments, churn risk, NPS, "
    "loyalty points and targeted campaigns to keep your customers",
    "description": """
Customer Retention (Kundenbindung)
==================================

Keeps your customer base in one place, cleaned, and turned into action:
duplicate partners found with fuzzy matching and merged safely, customers
classified by revenue (ABC, RFM, lifetime value, churn risk), interest
clusters from what they buy, Net Promoter Score from Odoo surveys, loyalty
points on Odoo's loyalty app and targeted campaigns through email marketing
and salesperson activities.

This version provides the foundation (menu, settings, User and Manager
groups, numeric engine) and the revenue segments: ABC class, RFM, customer
lifetime value, churn risk and the history of class changes, recomputed
every night, with a to-do for the salesperson when a customer slips; and
interest clusters from what customers buy, with cross-selling suggestions;
and the Net Promoter Score from Odoo surveys, with detractor follow-up and
the reasons customers leave; and loyalty points on Odoo's loyalty app,
earned from invoices too, with tiers; and duplicate partners found with
German-aware fuzzy matching and merged safely, by hand or every night, with
a journal that restores them; and campaigns from a segment to an email
marketing mailing or the salespeople's to-dos, with a control group and the
effect on revenue, and occasions such as birthdays.
""",
    "version": "18.0.1.6.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kundenbindung/kundenbindung_addon",
    "author": "kundenbindung_addon authors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "contacts",
        "account",
        "loyalty",
        "survey",
        "mass_mailing",
        "sales_team",
    ],
    "external_dependencies": {
        "python": ["pandas", "scikit-learn", "rapidfuzz", "phonenumbers", "cologne-phonetics"],
    },
    "assets": {
        "web.assets_tests": ["kundenbindung_addon/static/tests/tours/*.js"],
    },
    "data": [
        "security/kundenbindung_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/kundenbindung_nps_data.xml",
        "data/kundenbindung_loyalty_data.xml",
        "data/kundenbindung_occasion_data.xml",
        "views/res_config_settings_views.xml",
        "views/kundenbindung_settings_views.xml",
        "views/res_partner_views.xml",
        "views/kundenbindung_customer_segment_views.xml",
        "views/kundenbindung_class_history_views.xml",
        "views/kundenbindung_interest_cluster_views.xml",
        "views/kundenbindung_nps_views.xml",
        "views/kundenbindung_churn_views.xml",
        "views/kundenbindung_loyalty_views.xml",
        "views/kundenbindung_duplicate_views.xml",
        "views/kundenbindung_campaign_views.xml",
        "views/kundenbindung_revenue_report_views.xml",
        "views/kundenbindung_menus.xml",
    ],
    "images": ["static/description/icon.png"],
}
