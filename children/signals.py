"""Signals the registry sends so higher apps (visits, cases) can react without being imported here.

risk_level_changed(sender=Child, child=..., old=..., new=..., by=...) — sent after a confirmed
risk level is saved; visits recomputes the child's next due visit.

children_created_in_bulk(sender=Child, child_ids=[...]) — sent after a ledger import has created
children with bulk_create (which sends no post_save); visits schedules their due visits.
"""

from django.dispatch import Signal

risk_level_changed = Signal()
children_created_in_bulk = Signal()
