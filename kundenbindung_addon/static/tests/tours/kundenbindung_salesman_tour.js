/** @odoo-module */
// A salesman's round: the customer kanban by ABC class, one customer's NPS,
// loyalty points and interest cluster, then a campaign for the B customers.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("kundenbindung_salesman_tour", {
    url: "/web",
    steps: () => [
        ...stepUtils.goToAppSteps("kundenbindung_addon.kundenbindung_menu_root", "Open Customer Retention"),
        {
            content: "The B column of the customer kanban holds the customer",
            trigger: ".o_kanban_group:has(.o_column_title:contains('B')) .o_kanban_record:contains('Tour Kunde B GmbH')",
            run: "click",
        },
        {
            content: "Open the Customer Retention tab of the customer",
            trigger: ".o_form_view .o_notebook_headers a[name='kundenbindung']",
            run: "click",
        },
        {
            content: "Its NPS answer",
            trigger: ".o_field_widget[name='kundenbindung_nps_score']:contains('9')",
        },
        {
            content: "Its loyalty points",
            trigger: ".o_field_widget[name='kundenbindung_loyalty_points']:contains('250')",
        },
        {
            content: "Its interest cluster",
            trigger: ".o_field_widget[name='kundenbindung_cluster_id']:contains('Tour Büromöbel')",
        },
        {
            trigger: "button[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_campaigns_root']",
            run: "click",
        },
        {
            trigger: "a[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_campaigns']",
            run: "click",
        },
        {
            trigger: ".o_kanban_view .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour: B-Kunden halten",
        },
        {
            content: "Target the B customers",
            trigger: ".o_field_widget[name='abc_b'] input",
            run: "click",
        },
        {
            content: "The target is counted at once",
            trigger: ".o_field_widget[name='target_count']:contains('1')",
        },
        ...stepUtils.saveForm(),
    ],
});
