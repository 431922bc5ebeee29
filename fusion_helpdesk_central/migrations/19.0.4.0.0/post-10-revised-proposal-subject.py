# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.4.0.0: the single approval email's subject says "Revised proposal: "
when the request answers the owner's "changes requested".

The template is ``noupdate`` (an administrator may adapt the wording), so an
update never reloads it. Its subject is rewritten here only where it still is
the 19.0.3 default, in every language it holds: a subject an administrator
changed is left as it is.
"""

from psycopg2.extras import Json

OLD_SUBJECT = (
    "{{ ctx.get('fusion_engagement_reminder') and 'Reminder: ' or '' }}"
    "Your approval is needed: {{ object.number }} {{ object.name }}"
)
NEW_SUBJECT = (
    "{{ ctx.get('fusion_engagement_reminder') and 'Reminder: ' or '' }}"
    "{{ object.engagement_id and object.engagement_id._revised_from() "
    "and 'Revised proposal: ' or '' }}"
    "Your approval is needed: {{ object.number }} {{ object.name }}"
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT t.id, t.subject
          FROM mail_template t
          JOIN ir_model_data d ON d.res_id = t.id AND d.model = 'mail.template'
         WHERE d.module = 'fusion_helpdesk_central'
           AND d.name = 'mail_template_engagement_single'
        """
    )
    for template_id, subject in cr.fetchall():
        if not subject:
            continue
        updated = {
            lang: NEW_SUBJECT if text == OLD_SUBJECT else text for lang, text in subject.items()
        }
        if updated != subject:
            cr.execute(
                "UPDATE mail_template SET subject = %s WHERE id = %s", (Json(updated), template_id)
            )
