# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure-Python helpers of the engagement flow. Imports nothing from Odoo."""
