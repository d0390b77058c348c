/** @odoo-module */
// The warning of the contact form: the existing partners that the one being
// typed in probably is, with how likely and why, and buttons to open one
// (in a dialog, the new one stays as it is) or to use it instead (the new one
// is discarded, nothing is created twice).

import {Component} from "@odoo/owl";
import {formatFloat} from "@web/core/utils/numbers";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

export class LikelyDuplicates extends Component {
    static template = "kundenbindung_addon.LikelyDuplicates";
    static props = {...standardFieldProps};

    setup() {
        this.action = useService("action");
    }

    get matches() {
        return this.props.record.data[this.props.name]?.matches || [];
    }

    get blocked() {
        return Boolean(this.props.record.data[this.props.name]?.blocked);
    }

    get canUseInstead() {
        // a new partner of the main form; a form in a dialog (created from a field) keeps its own flow
        return this.props.record.isNew && !this.env.inDialog;
    }

    score(match) {
        return `${formatFloat(match.score, {digits: [false, 0]})} %`;
    }

    partnerAction(match) {
        return {
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: match.id,
            views: [[false, "form"]],
        };
    }

    async open(match) {
        await this.action.doAction({...this.partnerAction(match), target: "new"});
    }

    async useInstead(match) {
        await this.props.record.discard();
        await this.action.doAction(this.partnerAction(match), {
            stackPosition: "replaceCurrentAction",
        });
    }
}

registry.category("fields").add("kundenbindung_likely_duplicates", {
    component: LikelyDuplicates,
    supportedTypes: ["json"],
});
