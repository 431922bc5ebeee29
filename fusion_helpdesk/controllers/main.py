# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
