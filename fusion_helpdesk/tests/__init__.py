from . import test_settings
from . import test_settings_security
from . import test_submit_route
from . import test_ticket
from . import test_ticket_thread
from . import test_sync
from . import test_sync_central_http
from . import test_policy_central_http
