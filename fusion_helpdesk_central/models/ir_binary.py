# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A file is never served as a page it is not.

Odoo's ``/web/content/<id>?mimetype=...`` serves an attachment as whatever
type the URL asks for. A text file a client's employee sent (or anyone
uploaded) asked for as ``text/html`` would be a page of this domain: a fake
login form, a redirect (its sandboxing CSP stops scripts, not forms or a
``<meta refresh>``). Here a requested type a browser would render as a
document is ignored: the file goes out as the type it was stored with.
"""

from odoo import models

# Types a browser renders as a document or runs.
ACTIVE_MIMETYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "text/xsl",
    }
)


def is_active_mimetype(mimetype):
    """Whether a browser would render or run ``mimetype`` (parameters ignored)."""
    return (mimetype or "").split(";")[0].strip().lower() in ACTIVE_MIMETYPES


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _get_stream_from(
        self,
        record,
        field_name="raw",
        filename=None,
        filename_field="name",
        mimetype=None,
        default_mimetype="application/octet-stream",
    ):
        if mimetype and is_active_mimetype(mimetype):
            mimetype = None
        return super()._get_stream_from(
            record,
            field_name=field_name,
            filename=filename,
            filename_field=filename_field,
            mimetype=mimetype,
            default_mimetype=default_mimetype,
        )
