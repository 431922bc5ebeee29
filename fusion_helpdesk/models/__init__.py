from . import fusion_helpdesk_ticket
from . import res_config_settings
