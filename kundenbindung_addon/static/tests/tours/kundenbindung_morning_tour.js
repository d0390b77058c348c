/** @odoo-module */
// A salesperson's morning, in German: the overview, today's list (the A
// customer's step first), a customer opened on its retention tab, the call
// logged by marking its to-do done, and a campaign for her at-risk B
// customers.

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("kundenbindung_morning_tour", {
    url: "/web#action=kundenbindung_addon.kundenbindung_dashboard_action",
    steps: () => [
        {
            content: "The overview counts her two steps due today",
            trigger:
                ".o_form_view:has(button[name='action_open_today']:contains('Heute fällige Schritte')) .o_field_widget[name='due_today']:contains('2')",
        },
        {
            content: "Open today's list",
            trigger: "button[name='action_open_today']",
            run: "click",
        },
        {
            content: "The A customer's late call comes first",
            trigger:
                ".o_list_view .o_data_row:first-child .o_data_cell[name='partner_id']:contains('Tour A-Kunde AG')",
        },
        {
            content: "Open the B customer",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Kunde B GmbH') .o_data_cell[name='partner_id']",
            run: "click",
        },
        {
            content: "It opens on the retention tab",
            trigger: ".o_form_view .o_notebook_headers a.active[name='kundenbindung']",
        },
        {
            content: "Its NPS answer",
            trigger: ".o_field_widget[name='kundenbindung_nps_score']:contains('9')",
        },
        {
            content: "Its interest cluster",
            trigger:
                ".o_field_widget[name='kundenbindung_cluster_id']:contains('Tour Büromöbel')",
        },
        {
            content: "Mark the call as done",
            trigger:
                ".o-mail-Activity:contains('Anrufen wegen Rückgang') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "Say what came of it",
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Angerufen: bestellt im Dezember wieder",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button.mx-2",
            run: "click",
        },
        {
            content: "The call is in the chatter",
            trigger:
                ".o-mail-Message:contains('Angerufen: bestellt im Dezember wieder')",
        },
        {
            trigger:
                "button[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_campaigns_root']:contains('Kampagnen')",
            run: "click",
        },
        {
            trigger:
                "a[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_campaigns']",
            run: "click",
        },
        {
            trigger: ".o_kanban_view .o-kanban-button-new",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Gefährdete B-Kunden halten",
        },
        {
            content: "An empty target is said, not taken for everyone",
            trigger: ".o_field_widget[name='target_count']:contains('0')",
        },
        {
            content: "Her B customers",
            trigger: ".o_field_widget[name='abc_b'] input",
            run: "click",
        },
        {
            content: "with a medium churn risk",
            trigger: ".o_field_widget[name='churn_medium'] input",
            run: "click",
        },
        {
            content: "or a high one",
            trigger: ".o_field_widget[name='churn_high'] input",
            run: "click",
        },
        {
            content: "Only her at-risk B customer is targeted",
            trigger: ".o_field_widget[name='target_count']:contains('1')",
        },
        ...stepUtils.saveForm(),
        {
            trigger:
                "a[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_customers'], button[data-menu-xmlid='kundenbindung_addon.kundenbindung_menu_customers']",
            run: "click",
        },
        {
            content:
                "Her customers by ABC class, each column's revenue with its currency",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('B')) .o_animated_number span.ms-1",
        },
    ],
});
