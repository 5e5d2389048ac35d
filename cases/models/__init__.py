# Case files (case.py), the resource directory (resources.py) and discovery/mandatory reports
# (incident.py) live in one app, separate modules.
from .case import *  # noqa: F403
from .incident import *  # noqa: F403
from .resources import *  # noqa: F403
