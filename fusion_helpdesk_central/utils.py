# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The OpenAI module under the name SPEC.md gives it (``utils``).

The module is ``openai_client`` (what it is); SPEC.md, and so code and tests
written against it, name ``fusion_helpdesk_central.utils``. This name is the
same module object, not a copy: ``utils.call_openai_chat`` *is*
``openai_client.call_openai_chat``, and patching one patches the other.
"""

import sys

from . import openai_client

sys.modules[__name__] = openai_client
