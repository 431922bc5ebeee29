# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Fusion Helpdesk",
    "summary": "Submit support tickets to your provider and follow their thread from your own Odoo",
    "version": "19.0.4.0.0",
    "license": "LGPL-3",
    "category": "Services/Helpdesk",
    "author": "Fusion Helpdesk",
    "website": "https://github.com/fusion-helpdesk/fusion-helpdesk",
    "development_status": "Beta",
    "maintainers": ["fusion-helpdesk"],
    # mail brings base_setup
    "depends": ["base_setup", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/fusion_helpdesk_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/fusion_helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_config_settings_policy_views.xml",
        "views/fusion_helpdesk_ticket_estimate_views.xml",
        "views/fusion_helpdesk_ticket_sync_views.xml",
        "views/fusion_helpdesk_menus.xml",
    ],
    "demo": ["demo/fusion_helpdesk_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "fusion_helpdesk/static/src/thread_field/thread_field.js",
            "fusion_helpdesk/static/src/thread_field/thread_field.xml",
            "fusion_helpdesk/static/src/submit_ticket/submit_ticket.js",
            "fusion_helpdesk/static/src/submit_ticket/submit_ticket.xml",
            "fusion_helpdesk/static/src/ticket_list/ticket_list_view.js",
            "fusion_helpdesk/static/src/ticket_list/ticket_list_view.xml",
        ],
        "web.assets_tests": [
            "fusion_helpdesk/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
