/** @odoo-module */
// A manager looks at the customer portfolio, in German: the four fields with
// their counts, the chart, a field's customers in a list, and back.

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("kundenbindung_portfolio_tour", {
    url: "/web#action=kundenbindung_addon.kundenbindung_customer_portfolio_action",
    steps: () => [
        {
            content: "The stars: one customer, with its strategy",
            trigger:
                ".o_kundenbindung_portfolio_field[data-field='star']:contains('Starkunden'):contains('Halten')",
        },
        {
            content: "The chart is drawn",
            trigger: ".o_kundenbindung_portfolio_chart canvas",
        },
        {
            content: "The star moved up from the question marks",
            trigger:
                ".o_kundenbindung_portfolio_moves td:contains('Fragezeichenkunden')",
        },
        {
            content: "Open the question marks",
            trigger: ".o_kundenbindung_portfolio_field[data-field='question']",
            run: "click",
        },
        {
            content: "Their list: only the new big customer",
            trigger: ".o_breadcrumb:contains('Fragezeichenkunden')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Neu GmbH')",
        },
        {
            content: "Nobody else in the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Star AG')))",
        },
        {
            content: "Back to the portfolio",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger:
                ".o_kundenbindung_portfolio_field[data-field='poor']:contains('Mitnahmekunden')",
        },
    ],
});
