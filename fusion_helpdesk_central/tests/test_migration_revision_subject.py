# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""19.0.4.0.0's migration of the single approval email's subject: the 19.0.3
default gains "Revised proposal: ", a subject an administrator wrote stays."""

import importlib.util
from pathlib import Path

from psycopg2.extras import Json

from odoo.tests import TransactionCase, tagged

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "migrations"
    / "19.0.4.0.0"
    / "post-10-revised-proposal-subject.py"
)


def load_migration():
    spec = importlib.util.spec_from_file_location("revised_proposal_subject", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestRevisedProposalSubjectMigration(TransactionCase):
    def setUp(self):
        super().setUp()
        self.migration = load_migration()
        self.template = self.env.ref("fusion_helpdesk_central.mail_template_engagement_single")

    def _store_subject(self, subject):
        """The subject as a 19.0.3 database holds it (what the upgrade finds)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_template SET subject = %s WHERE id = %s",
            (Json(subject), self.template.id),
        )
        self.template.invalidate_recordset(["subject"])

    def _subject(self):
        self.env.cr.execute("SELECT subject FROM mail_template WHERE id = %s", [self.template.id])
        return self.env.cr.fetchone()[0]

    def test_the_default_subject_marks_revisions(self):
        self._store_subject({"en_US": self.migration.OLD_SUBJECT})
        self.migration.migrate(self.env.cr, "19.0.3.1.0")
        self.assertEqual(self._subject(), {"en_US": self.migration.NEW_SUBJECT})
        self.assertIn("Revised proposal: ", self.template.subject)

    def test_an_adapted_subject_is_kept(self):
        mine = {"en_US": self.migration.OLD_SUBJECT, "fr_FR": "Votre accord : {{ object.name }}"}
        self._store_subject(mine)
        self.migration.migrate(self.env.cr, "19.0.3.1.0")
        self.assertEqual(
            self._subject(),
            {"en_US": self.migration.NEW_SUBJECT, "fr_FR": "Votre accord : {{ object.name }}"},
        )

    def test_a_fresh_install_is_untouched(self):
        self._store_subject({"en_US": "Mine"})
        self.migration.migrate(self.env.cr, None)
        self.assertEqual(self._subject(), {"en_US": "Mine"})
