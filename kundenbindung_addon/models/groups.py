# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's groups (security/kundenbindung_security.xml), named once for the code."""

# User: Own Customers, the least a Customer Retention user has
USER = "kundenbindung_addon.group_kundenbindung_user"
# User: All Customers
USER_ALL = "kundenbindung_addon.group_kundenbindung_user_all"
# Manager: settings, recompute, merges
MANAGER = "kundenbindung_addon.group_kundenbindung_manager"
