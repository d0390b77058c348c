/** @odoo-module */
// A manager's review, in German: the overview, retention over time (the
// cohort grid), the duplicates to review, a merge, and the merge journal
// that keeps what the merged partner was.

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("kundenbindung_manager_tour", {
    url: "/web#action=kundenbindung_addon.kundenbindung_dashboard_action",
    steps: () => [
        {
            content: "The overview counts one group of duplicates to review",
            trigger:
                ".o_form_view:has(button[name='action_open_duplicates']:contains('Zu prüfende Dubletten')) .o_field_widget[name='duplicates']:contains('1')",
        },
        {
            content: "Open retention over time",
            trigger: "button[name='action_open_retention']",
            run: "click",
        },
        {
            content: "This month's cohort: its customer bought in its first month",
            trigger: ".o_kundenbindung_cohorts tbody tr:last-child td:contains('100')",
        },
        {
            content: "Churn per month, in German",
            trigger: ".o_kundenbindung_churn th:contains('Verlorener Umsatz')",
        },
        {
            content: "Back to the overview",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: "button[name='action_open_duplicates']",
            run: "click",
        },
        {
            content: "Open the group",
            trigger: ".o_data_row:contains('Tour Doppel GmbH') td.o_data_cell",
            run: "click",
        },
        {
            content: "Merge",
            trigger:
                ".o_statusbar_buttons button[name='action_merge']:contains('Zusammenführen')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The group is merged",
            trigger:
                ".o_statusbar_status .o_arrow_button_current:contains('Zusammengeführt')",
        },
        {
            content: "The pair still tells the two apart",
            trigger:
                ".o_field_widget[name='pair_ids'] .o_data_row:contains('Tour Doppel GmbH (Köln)')",
        },
        {
            trigger:
                "button[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_duplicates']",
            run: "click",
        },
        {
            trigger:
                "a[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_merge_journal']:contains('Zusammenführungsjournal')",
            run: "click",
        },
        {
            content: "The journal keeps the merged partner",
            trigger: ".o_data_row:contains('Tour Doppel GmbH')",
        },
    ],
});
