# Case files (case.py), the resource directory (resources.py) and discovery/mandatory reports
# (incident.py) and family services without a case (direct_service.py) live in one app, separate modules.
from .case import *  # noqa: F403
from .direct_service import *  # noqa: F403
from .incident import *  # noqa: F403
from .resources import *  # noqa: F403
