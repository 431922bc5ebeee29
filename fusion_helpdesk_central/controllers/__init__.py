from . import api
from . import main
from . import sync
from . import ticket_close
from . import policy_api
