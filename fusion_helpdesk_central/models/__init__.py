from . import fusion_helpdesk_client_key
from . import helpdesk_ticket
from . import mail_mail
from . import res_config_settings
