from . import fusion_helpdesk_ticket
from . import fusion_helpdesk_ticket_thread
from . import res_config_settings
