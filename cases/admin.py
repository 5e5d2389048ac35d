from . import incident_admin  # noqa: F401  discovery reports register their own admin
