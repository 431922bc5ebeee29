# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class FusionHelpdeskCentralFields(models.AbstractModel):
    """Fields only Fusion Helpdesk writes (through sudo): central's word and
    the sending bookkeeping. An employee's create drops them; what a write
    does with them is each model's policy."""

    _name = "fusion.helpdesk.central.fields"
    _description = "Fields Set by Fusion Helpdesk Only"

    @api.model
    def _central_field_names(self):
        """Names of the fields an employee may never set; override to add
        yours (``super()._central_field_names() | {...}``)."""
        return frozenset()

    @api.model
    def _drop_central_fields(self, vals_list):
        """``vals_list`` without the fields of ``_central_field_names``,
        unless in sudo: the web client may send the defaults of readonly
        fields back, so they are dropped, not refused."""
        if self.env.su:
            return vals_list
        protected = self._central_field_names()
        return [
            {key: value for key, value in vals.items() if key not in protected}
            for vals in vals_list
        ]
