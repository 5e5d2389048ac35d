from . import risk_admin  # noqa: F401
