from . import fusion_helpdesk_ticket
from . import fusion_helpdesk_ticket_thread
from . import res_config_settings
from . import fusion_helpdesk_ticket_sync
from . import fusion_helpdesk_ticket_reply
from . import res_config_settings_sync
from . import res_config_settings_policy
from . import fusion_helpdesk_ticket_policy
