from . import fusion_helpdesk_client_key
from . import fusion_helpdesk_engagement
from . import fusion_helpdesk_engagement_answers
from . import fusion_helpdesk_engagement_mail
from . import helpdesk_ticket
from . import helpdesk_ticket_intake
from . import helpdesk_ticket_engagement
from . import helpdesk_ticket_engagement_decision
from . import helpdesk_ticket_engagement_reminder
from . import mail_mail
from . import res_config_settings
from . import fusion_helpdesk_client_key_api
from . import ir_rule

from . import fusion_helpdesk_sync_change
from . import fusion_helpdesk_reply_receipt
from . import helpdesk_ticket_sync
from . import helpdesk_ticket_engagement_lang
