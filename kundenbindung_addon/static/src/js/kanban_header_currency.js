/** @odoo-module */
// The sum in a column header of the addon's kanbans (the customers' revenue
// by ABC class) with the records' currency, as CRM shows its expected
// revenue, instead of a bare "5.456k".

import {KanbanHeader} from "@web/views/kanban/kanban_header";
import {getCurrency} from "@web/core/currency";
import {patch} from "@web/core/utils/patch";

patch(KanbanHeader.prototype, {
    get groupAggregate() {
        const aggregate = super.groupAggregate;
        const {sumField} = this.props.progressBarState.progressAttributes;
        const {group} = this.props;
        if (
            !group.list.resModel.startsWith("kundenbindung.") ||
            !sumField ||
            sumField.type !== "monetary"
        ) {
            return aggregate;
        }
        const currencyField = sumField.currency_field || "currency_id";
        const value = group.list.records[0]?.data[currencyField];
        const currencyId = Array.isArray(value) ? value[0] : value?.id;
        return currencyId
            ? {...aggregate, currency: getCurrency(currencyId)}
            : aggregate;
    },
});
