# Copyright 2026 kundenbindung_addon authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer a campaign reached or kept out as its control group, with its revenue before
and after."""

from odoo import fields, models


class KundenbindungCampaignRecipient(models.Model):
    _name = "kundenbindung.campaign.recipient"
    _description = "Campaign Recipient"
    _order = "campaign_id desc, id"

    campaign_id = fields.Many2one("kundenbindung.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, ondelete="cascade", index=True)
    control = fields.Boolean(string="In Control Group", help="Kept out of the campaign, to measure its effect.")
    phone = fields.Char(related="partner_id.phone")
    mobile = fields.Char(related="partner_id.mobile")
    email = fields.Char(related="partner_id.email")
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    revenue_before = fields.Monetary(currency_field="currency_id", readonly=True)
    revenue_after = fields.Monetary(currency_field="currency_id", readonly=True)

    _sql_constraints = [
        ("campaign_partner_unique", "UNIQUE(campaign_id, partner_id)", "A customer is once in a campaign."),
    ]
