# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A file is never served as a page it is not.

Odoo's ``/web/content/<id>?mimetype=...`` serves an attachment as whatever
type the URL asks for. A text file a client's employee sent (or anyone
uploaded) asked for as ``text/html`` would be a page of this domain: a fake
login form, a redirect (its sandboxing CSP stops scripts, not forms or a
``<meta refresh>``). Here only a few harmless types may be asked for,
exactly; anything else is ignored and the file goes out as the type it was
stored with.
"""

from odoo import models

# The only types a URL may ask a file to be served as (exactly, no
# parameters): anything else asked for (a page, SVG, XML, a list of types a
# browser reads the last of, "x/x,text/html") is ignored.
REQUESTABLE_MIMETYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/plain",
        "text/csv",
    }
)


def is_requestable_mimetype(mimetype):
    """Whether a URL may ask a file to be served as ``mimetype``."""
    return mimetype in REQUESTABLE_MIMETYPES


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
        if mimetype and not is_requestable_mimetype(mimetype):
            mimetype = None
        return super()._get_stream_from(
            record,
            field_name=field_name,
            filename=filename,
            filename_field=filename_field,
            mimetype=mimetype,
            default_mimetype=default_mimetype,
        )
