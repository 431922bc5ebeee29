# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.3.0.0: load the owner approval mail templates afresh.

They are ``noupdate`` (an administrator may adapt the wording), so an update
never reloads them; but this release changes what they must say (who sent
the request, who wrote the summary, the engineer's signature). Dropping them
here lets the update create them again from the data file, once; local
edits of these two templates are lost (the release notes say so).
"""

TEMPLATES = ("mail_template_engagement_single", "mail_template_engagement_bulk")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'fusion_helpdesk_central' AND model = 'mail.template' AND name IN %s
     RETURNING res_id
        """,
        (TEMPLATES,),
    )
    template_ids = tuple(row[0] for row in cr.fetchall())
    if template_ids:
        cr.execute("DELETE FROM mail_template WHERE id IN %s", (template_ids,))
