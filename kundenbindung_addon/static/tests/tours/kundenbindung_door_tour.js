/** @odoo-module */
// A salesperson on the phone, in German: she types in a caller who is a
// customer already, with a typo in his name; the contact form warns with the
// existing customer, she opens him to look, then uses him instead of saving a
// second one.

import {registry} from "@web/core/registry";

// the existing customer's street in the form (or the dialog) the step finds
function isTheCustomer() {
    if (this.anchor.value !== "Lindenweg 5") {
        throw new Error(`Not the existing customer: ${this.anchor.value}`);
    }
}

registry.category("web_tour.tours").add("kundenbindung_door_tour", {
    url: "/web#action=contacts.action_contacts",
    steps: () => [
        {
            content: "A new contact",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "A person, not a company",
            trigger: ".o_field_widget[name='company_type'] input[data-value='person']",
            run: "click",
        },
        {
            content: "The caller's name, with a typo",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Hans Oberdorffer",
        },
        {
            content: "His phone number, written his way",
            trigger: ".o_field_widget[name='phone'] input",
            run: "edit +49 761 123456 && click body",
        },
        {
            content: "The form warns: he may exist already, with why",
            trigger:
                ".o_kundenbindung_likely_duplicates:contains('Dieser Partner existiert möglicherweise bereits') .o_kundenbindung_likely_duplicate:contains('Hans Oberdorfer'):contains('Telefon gleich')",
        },
        {
            content: "Open the existing customer to look",
            trigger:
                ".o_kundenbindung_likely_duplicate:contains('Hans Oberdorfer') .o_kundenbindung_open_duplicate:contains('Partner öffnen')",
            run: "click",
        },
        {
            content: "It is him: his street",
            trigger: ".modal .o_form_view .o_field_widget[name='street'] input",
            run: isTheCustomer,
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "Use him instead of a new contact",
            trigger:
                ".o_kundenbindung_likely_duplicate:contains('Hans Oberdorfer') .o_kundenbindung_use_duplicate:contains('Stattdessen diesen verwenden')",
            run: "click",
        },
        {
            content: "The existing customer is open, nothing new was saved",
            trigger: ".o_breadcrumb .active:contains('Hans Oberdorfer')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='street'] input",
            run: isTheCustomer,
        },
    ],
});
