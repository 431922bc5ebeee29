from . import test_client_key
from . import test_intake_api
from . import test_engagement_wizard
from . import test_engagement_pages
from . import test_engagement_reminder
from . import test_engagement_reporting
from . import test_res_config_settings
from . import test_engagement_security
