"""Signals the registry sends so higher apps (visits, cases) can react without being imported here.

risk_level_changed(sender=Child, child=..., old=..., new=..., by=...) — sent after a confirmed
risk level is saved; visits recomputes the child's next due visit.
"""

from django.dispatch import Signal

risk_level_changed = Signal()
