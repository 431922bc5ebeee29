# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner reads their pages and emails in their own language."""

from odoo.tests import HttpCase, tagged

from .common import FusionHelpdeskCentralCommon, ticket_live_token

OWNER_EMAIL = "owner@acme.example.com"
# language -> (approval request subject start, approve button of the email)
LANGS = {
    "fr_FR": ("Votre approbation est requise", "Approuver"),
    "de_DE": ("Ihre Freigabe wird benötigt", "Freigeben"),
    "es_ES": ("Se necesita su aprobación", "Aprobar"),
    "nl_NL": ("Uw goedkeuring is nodig", "Goedkeuren"),
}


@tagged("post_install", "-at_install")
class TestEngagementLanguage(HttpCase, FusionHelpdeskCentralCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["fusion_helpdesk_central"], list(LANGS), overwrite=True
        )
        cls.owner = cls.env["res.partner"].create(
            {"name": "Olivia Owner", "email": OWNER_EMAIL, "lang": "fr_FR"}
        )

    # ------------------------------------------------------------ helpers
    def _send(self):
        """Ask the owner's approval the way the engineer does, through the wizard."""
        wizard = (
            self.env["fusion.helpdesk.engagement.wizard"]
            .with_user(self.engineer)
            .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
            .create({})
        )
        wizard.write({"findings": "Effort: 2h", "summary": "Replace the fuser unit."})
        wizard.action_send()
        mail = self.env["mail.mail"].sudo().search([("email_to", "ilike", OWNER_EMAIL)])
        self.assertEqual(len(mail), 1)
        return mail

    def _page(self):
        token = ticket_live_token(self.ticket)
        self.assertTrue(token, "the owner's email carries the live link")
        page = self.url_open("/fusion_helpdesk/engagement/%s/approve" % token)
        self.assertEqual(page.status_code, 200)
        return page.text

    # ------------------------------------------------------------ tests
    def test_french_owner_gets_french_email_and_pages(self):
        mail = self._send()
        self.assertIn("Votre approbation est requise", mail.subject)
        self.assertIn(self.ticket.number, mail.subject)
        self.assertIn("notre ingénieur support a besoin de votre approbation", mail.body_html)
        self.assertNotIn("Your approval is needed", mail.subject)

        page = self._page()
        self.assertIn('lang="fr-FR"', page)
        self.assertIn("Confirmez votre décision", page)
        self.assertNotIn("Confirm your decision", page)

    def test_owner_without_language_reads_the_client_company_language(self):
        self.owner.lang = False
        self.client_key.partner_id.lang = "de_DE"
        self.assertEqual(self.ticket._engagement_owner_lang(), "de_DE")
        mail = self._send()
        self.assertIn("Ihre Freigabe wird benötigt", mail.subject)
        # The page speaks the language of the email it was opened from.
        self.assertIn("Bestätigen Sie Ihre Entscheidung", self._page())

    def test_the_preview_speaks_the_language_of_the_email_sent(self):
        """The wizard's preview finds the owner's language by the rule of the
        email itself: the owner's contact, else the client company's."""
        for owner_lang, client_lang, subject in (
            ("fr_FR", "de_DE", "Votre approbation est requise"),
            (False, "de_DE", "Ihre Freigabe wird benötigt"),
        ):
            with self.subTest(owner_lang=owner_lang, client_lang=client_lang):
                self.owner.lang = owner_lang
                self.client_key.partner_id.lang = client_lang
                wizard = (
                    self.env["fusion.helpdesk.engagement.wizard"]
                    .with_user(self.engineer)
                    .with_context(active_model="helpdesk.ticket", active_ids=self.ticket.ids)
                    .create({"findings": "Effort: 2h", "summary": "Replace the fuser unit."})
                )
                self.assertIn(subject, wizard.preview_subject)
        mail = self._send()
        self.assertEqual(mail.subject, wizard.preview_subject)

    def test_owner_and_client_without_language_read_the_provider_company_language(self):
        self.owner.lang = False
        self.client_key.partner_id.lang = False
        self.ticket.company_id.partner_id.lang = "fr_FR"
        self.assertEqual(self.ticket._engagement_owner_lang(), "fr_FR")
        mail = self._send()
        self.assertIn("Votre approbation est requise", mail.subject)
        self.assertIn("Confirmez votre décision", self._page())

    def test_english_owner_keeps_english(self):
        self.owner.lang = "en_US"
        self.ticket.company_id.partner_id.lang = "fr_FR"
        mail = self._send()
        self.assertIn("Your approval is needed", mail.subject)
        self.assertIn("Confirm your decision", self._page())

    def test_every_shipped_language_translates_the_owner_email(self):
        template = self.env.ref("fusion_helpdesk_central.mail_template_engagement_single")
        self._start_round(self.ticket)
        for code, (subject, button) in LANGS.items():
            with self.subTest(lang=code):
                self.owner.lang = code
                self.assertIn(subject, template.with_context(lang=code).subject)
                body = template._render_field("body_html", self.ticket.ids, compute_lang=True)[
                    self.ticket.id
                ]
                self.assertIn(button, body)

    def test_page_language_decides_every_line_whatever_the_browser(self):
        """The AI provenance line and the footer follow the page's language
        (the owner's), not the browser's Accept-Language."""
        layout = self.env.ref("fusion_helpdesk_central.engagement_page_layout")
        # The integrator fills the .po files; the footer must be a term of its own.
        # A term of its own (not glued to the company name's separator), so the
        # .pot offers it to translators as is.
        terms = layout._fields["arch_db"].get_trans_terms(layout.arch_db)
        self.assertIn("Secure owner approval", terms)
        french = layout.with_context(lang="fr_FR")
        french.arch_db = french.arch_db.replace("Secure owner approval", "Approbation sécurisée")
        self._send()
        token = ticket_live_token(self.ticket)
        page = self.url_open(
            "/fusion_helpdesk/engagement/%s/approve" % token,
            headers={"Accept-Language": "de-DE,de;q=0.9"},
        ).text
        self.assertTrue(page.lstrip().startswith("<!DOCTYPE html>"), page[:80])
        self.assertIn('lang="fr-FR"', page)
        self.assertIn("Ce résumé a été rédigé par", page)
        self.assertNotIn("Diese Zusammenfassung", page)
        self.assertNotIn("This summary was", page)
        self.assertIn("Approbation sécurisée", page)
        self.assertNotIn("Secure owner approval", page)
        # The same on the page listing every pending request of the owner.
        page = self.url_open(
            "/fusion_helpdesk/engagement/%s/all" % token,
            headers={"Accept-Language": "de-DE,de;q=0.9"},
        ).text
        self.assertIn("Approbation sécurisée", page)
