# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Customer Retention (Kundenbindung)",
    "summary": "Clean customer data, ABC/RFM segments, churn risk, NPS, "
    "loyalty points and targeted campaigns to keep your customers",
    "version": "18.0.1.9.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kundenbindung/kundenbindung_addon",
    "author": "kundenbindung_addon authors",
    "license": "LGPL-3",
    "application": True,
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
