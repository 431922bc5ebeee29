# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Fusion Helpdesk Central",
    "summary": "Central side of Fusion Helpdesk: client intake API and "
    "owner approval by magic link",
    "version": "19.0.4.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Fusion Helpdesk",
    "website": "https://github.com/fusion-helpdesk/fusion-helpdesk",
    "development_status": "Beta",
    "maintainers": ["fusion-helpdesk"],
    # helpdesk_mgmt brings mail and portal; base_automation runs the
    # "Require owner approval" rules
    "depends": ["helpdesk_mgmt", "mail", "portal", "base_automation"],
    "external_dependencies": {"python": ["openai>=3.0"]},
    "data": [
        "security/ir.model.access.csv",
        "security/fusion_helpdesk_api_security.xml",
        "data/fusion_helpdesk_api_user_data.xml",
        "security/fusion_helpdesk_engagement_security.xml",
        "security/helpdesk_ticket_portal_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/fusion_helpdesk_client_key_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
        "views/engagement_page_templates.xml",
        "views/helpdesk_ticket_portal_templates.xml",
        "wizards/fusion_helpdesk_engagement_wizard_views.xml",
        "wizards/fusion_helpdesk_engagement_wizard_estimate_views.xml",
        "wizards/fusion_helpdesk_client_key_reveal_views.xml",
        "wizards/fusion_helpdesk_approval_waive_wizard_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/helpdesk_ticket_approval_gate_views.xml",
        "report/helpdesk_ticket_engagement_report_views.xml",
        "report/fusion_helpdesk_engagement_report_views.xml",
        "views/fusion_helpdesk_client_key_policy_views.xml",
        "report/fusion_helpdesk_engagement_record_report.xml",
        "report/helpdesk_ticket_approval_gate_report_views.xml",
        "views/fusion_helpdesk_central_menus.xml",
        "report/helpdesk_ticket_engagement_report_menus.xml",
    ],
    "demo": ["demo/fusion_helpdesk_central_demo.xml", "demo/base_automation_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "fusion_helpdesk_central/static/src/**/*",
            # The graph view is lazy loaded: its patch goes with it.
            ("remove", "fusion_helpdesk_central/static/src/reporting/**/*"),
        ],
        "web.assets_backend_lazy": ["fusion_helpdesk_central/static/src/reporting/**/*"],
        "web.assets_tests": ["fusion_helpdesk_central/static/tests/tours/**/*"],
    },
    "installable": True,
}
