/** @odoo-module */
// The customer portfolio (Bruhn): every customer placed by the strength of the
// relationship (x) and its attractiveness (y), in four fields split at the
// thresholds, each with its strategy. A point opens the customer's segment, a
// field's card the list of its customers; below, the moves between the fields
// since the last period.

import {Component, onMounted, onWillStart, onWillUnmount, useRef} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {Domain} from "@web/core/domain";
import {formatFloat} from "@web/core/utils/numbers";
import {Layout} from "@web/search/layout";
import {loadBundle} from "@web/core/assets";
import {registry} from "@web/core/registry";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";
import {useService} from "@web/core/utils/hooks";

const SEGMENT_MODEL = "kundenbindung.customer.segment";
// where each field lies: attractive (top) and strong (right) or not
const QUADRANTS = {
    star: {top: true, right: true},
    question: {top: true, right: false},
    cash_cow: {top: false, right: true},
    poor: {top: false, right: false},
};

/** A colour "#rrggbb" with an alpha (0-1); any other colour as it is. */
function withAlpha(color, alpha) {
    if (typeof color === "string" && /^#[0-9a-f]{6}$/i.test(color)) {
        const hex = Math.round(alpha * 255)
            .toString(16)
            .padStart(2, "0");
        return `${color}${hex}`;
    }
    return color;
}

export class CustomerPortfolio extends Component {
    static template = "kundenbindung_addon.CustomerPortfolio";
    static components = {Layout};
    static props = {...standardActionServiceProps};

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.canvasRef = useRef("canvas");
        this.chart = null;
        this.data = null;

        onWillStart(async () => {
            const [data] = await Promise.all([
                this.orm.call(SEGMENT_MODEL, "kundenbindung_portfolio_data", [
                    this.actionDomain,
                ]),
                loadBundle("web.chartjs_lib"),
            ]);
            this.data = data || {};
        });
        onMounted(() => this.renderChart());
        onWillUnmount(() => {
            if (this.chart) {
                this.chart.destroy();
                this.chart = null;
            }
        });
    }

    // ------------------------------------------------------------------
    // data
    // ------------------------------------------------------------------

    /** The domain the action was opened with (context or params), as a list. */
    get actionDomain() {
        const action = this.props.action || {};
        const domain = action.context?.domain || action.params?.domain || [];
        return new Domain(domain).toList(action.context || {});
    }

    get fields() {
        return this.data.fields || [];
    }

    get points() {
        return this.data.points || [];
    }

    get moves() {
        return this.data.moves || [];
    }

    get emptyMessage() {
        return this.data.empty_message || false;
    }

    get shownText() {
        const total = this.data.points_total || 0;
        if (this.points.length >= total) {
            return "";
        }
        return _t("Showing %(shown)s of %(total)s customers", {
            shown: this.formatCount(this.points.length),
            total: this.formatCount(total),
        });
    }

    fieldByKey(key) {
        return this.fields.find((field) => field.key === key);
    }

    // ------------------------------------------------------------------
    // formatting
    // ------------------------------------------------------------------

    formatCount(value) {
        return formatFloat(value || 0, {digits: [false, 0]});
    }

    formatScore(value) {
        return formatFloat(value || 0, {digits: [false, 1]});
    }

    formatMoney(value, decimals = 2) {
        const amount = formatFloat(value || 0, {digits: [false, decimals]});
        const {symbol, position} = this.data.currency || {};
        if (!symbol) {
            return amount;
        }
        return position === "before"
            ? `${symbol}\u00a0${amount}`
            : `${amount}\u00a0${symbol}`;
    }

    /** "+2", "-3" or "": the field's moves in and out over the period. */
    countDelta(field) {
        if (typeof field.previous_count !== "number") {
            return "";
        }
        const delta = (field.count || 0) - field.previous_count;
        if (!delta) {
            return "";
        }
        return `${delta > 0 ? "+" : "-"}${this.formatCount(Math.abs(delta))}`;
    }

    previousCountTitle(field) {
        if (typeof field.previous_count !== "number") {
            return "";
        }
        return `${this.data.previous_title}: ${this.formatCount(field.previous_count)}`;
    }

    // ------------------------------------------------------------------
    // actions
    // ------------------------------------------------------------------

    openCustomer(resId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: SEGMENT_MODEL,
            res_id: resId,
            views: [[false, "form"]],
        });
    }

    openField(field) {
        const domain = Domain.and([
            this.actionDomain,
            [["portfolio_field", "=", field.key]],
        ]).toList();
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: field.label,
            res_model: SEGMENT_MODEL,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain,
        });
    }

    // ------------------------------------------------------------------
    // chart
    // ------------------------------------------------------------------

    renderChart() {
        const canvas = this.canvasRef.el;
        if (!canvas || this.emptyMessage || !window.Chart) {
            return;
        }
        this.chart = new window.Chart(canvas, this.chartConfig());
    }

    chartConfig() {
        const datasets = this.fields.map((field) => ({
            label: field.label,
            data: this.points.filter((point) => point.field === field.key),
            backgroundColor: withAlpha(field.color, 0.7),
            borderColor: field.color,
            borderWidth: 1,
            pointRadius: 4,
            pointHoverRadius: 7,
            clip: 8,
        }));
        const strengthTitle = _t("Relationship strength");
        const attractivenessTitle = _t("Attractiveness");
        const axis = (title) => ({
            type: "linear",
            min: 0,
            max: 100,
            ticks: {stepSize: 10},
            title: {display: true, text: String(title), font: {weight: "bold"}},
        });
        return {
            type: "scatter",
            data: {datasets},
            options: {
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                layout: {padding: 8},
                interaction: {mode: "nearest", intersect: true},
                scales: {x: axis(strengthTitle), y: axis(attractivenessTitle)},
                plugins: {
                    // the cards above are the legend (and open the field's list)
                    legend: {display: false},
                    tooltip: {
                        callbacks: {
                            title: (items) => items[0]?.raw.name || "",
                            label: (item) =>
                                this.tooltipLines(item, {
                                    strengthTitle,
                                    attractivenessTitle,
                                }),
                        },
                    },
                },
                onClick: (event, elements, chart) => {
                    const element = elements[0];
                    if (!element) {
                        return;
                    }
                    const point =
                        chart.data.datasets[element.datasetIndex].data[element.index];
                    if (point?.id) {
                        this.openCustomer(point.id);
                    }
                },
                onHover: (event, elements) => {
                    const target = event.native?.target;
                    if (target) {
                        target.style.cursor = elements.length ? "pointer" : "default";
                    }
                },
            },
            plugins: [this.quadrantPlugin()],
        };
    }

    tooltipLines(item, {strengthTitle, attractivenessTitle}) {
        const point = item.raw;
        const lines = [
            String(item.dataset.label),
            `${strengthTitle}: ${this.formatScore(point.x)}`,
            `${attractivenessTitle}: ${this.formatScore(point.y)}`,
            `${_t("Margin")}: ${this.formatMoney(point.margin)}`,
        ];
        const previous = point.previous_field && this.fieldByKey(point.previous_field);
        if (previous && point.previous_field !== point.field) {
            lines.push(_t("Previously: %s", previous.label));
        }
        return lines;
    }

    /** The fields tinted in their colour and the dashed thresholds under the
     * points; each field's name, count and strategy in its outer corner over
     * them, on a light backing to stay readable. */
    quadrantPlugin() {
        const data = this.data;
        const fields = this.fields;
        const clamp = (value, low, high) => Math.min(Math.max(value, low), high);
        const splits = (chart) => {
            const {chartArea: area, scales} = chart;
            return {
                x: clamp(
                    scales.x.getPixelForValue(data.strong_from ?? 50),
                    area.left,
                    area.right
                ),
                y: clamp(
                    scales.y.getPixelForValue(data.attractive_from ?? 50),
                    area.top,
                    area.bottom
                ),
            };
        };
        return {
            id: "kundenbindungPortfolioQuadrants",
            beforeDatasetsDraw: (chart) => {
                const {ctx, chartArea: area} = chart;
                if (!area) {
                    return;
                }
                const split = splits(chart);
                ctx.save();
                for (const field of fields) {
                    const quadrant = QUADRANTS[field.key];
                    if (!quadrant) {
                        continue;
                    }
                    const left = quadrant.right ? split.x : area.left;
                    const right = quadrant.right ? area.right : split.x;
                    const top = quadrant.top ? area.top : split.y;
                    const bottom = quadrant.top ? split.y : area.bottom;
                    ctx.fillStyle = withAlpha(field.color, 0.07);
                    ctx.fillRect(left, top, right - left, bottom - top);
                }
                ctx.setLineDash([6, 4]);
                ctx.lineWidth = 1.5;
                ctx.strokeStyle = "rgba(73, 80, 87, 0.8)";
                ctx.beginPath();
                ctx.moveTo(split.x, area.top);
                ctx.lineTo(split.x, area.bottom);
                ctx.moveTo(area.left, split.y);
                ctx.lineTo(area.right, split.y);
                ctx.stroke();
                ctx.restore();
            },
            afterDatasetsDraw: (chart) => {
                const {ctx, chartArea: area} = chart;
                if (!area) {
                    return;
                }
                const fontFamily = window.Chart.defaults.font.family;
                const pad = 8;
                const lineHeight = 18;
                ctx.save();
                ctx.textBaseline = "top";
                for (const field of fields) {
                    const quadrant = QUADRANTS[field.key];
                    if (!quadrant) {
                        continue;
                    }
                    const lines = [
                        {
                            text: `${field.label} (${this.formatCount(field.count)})`,
                            font: `bold 14px ${fontFamily}`,
                            color: "#212529",
                        },
                        {
                            text: String(field.strategy || ""),
                            font: `12px ${fontFamily}`,
                            color: "#495057",
                        },
                    ].filter((line) => line.text);
                    let width = 0;
                    for (const line of lines) {
                        ctx.font = line.font;
                        width = Math.max(width, ctx.measureText(line.text).width);
                    }
                    const height = lineHeight * lines.length;
                    // the block's top left corner, in the chart's outer corner of the field
                    const left = quadrant.right
                        ? area.right - pad - width - pad
                        : area.left + pad;
                    const top = quadrant.top
                        ? area.top + pad
                        : area.bottom - pad - height - pad / 2;
                    ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
                    ctx.fillRect(left, top, width + pad, height + pad / 2);
                    let y = top + pad / 2;
                    for (const line of lines) {
                        ctx.font = line.font;
                        ctx.fillStyle = line.color;
                        ctx.fillText(line.text, left + pad / 2, y);
                        y += lineHeight;
                    }
                }
                ctx.restore();
            },
        };
    }
}

registry.category("actions").add("kundenbindung_customer_portfolio", CustomerPortfolio);
