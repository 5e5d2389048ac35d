# Case files (case.py) and discovery/mandatory reports (incident.py) live in one app, two modules.
from .case import *  # noqa: F403
from .incident import *  # noqa: F403
