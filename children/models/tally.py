"""The registry's counts per town, kept in step with the children (issue 17, docs/benchmarks.md).

The registry list shows how many children each risk level, status, school stage and category would give.
Counting them over 100,000 children costs ~0.4 s on every first view; summed from this table (a few
thousand rows) it costs a few milliseconds. `children.tally` keeps it right: every save that changes a
child's town, risk level, status or school stage, every category tag saved or deleted, recounts the towns
concerned in the same transaction; bulk writes that send no signal are caught by `recount_all` (the
ledger import, `generate_dataset`, and a beat task as a safety net).
"""

from django.db import models


class RegistryTally(models.Model):
    """How many children live in `area` with this risk level, status and school stage; with `category`
    set, how many of them carry that category tag."""

    area = models.CharField(max_length=12)  # the town's code (the first 9 digits of the residence's)
    category = models.CharField(max_length=32, blank=True)  # a Category's code; "" counts children
    risk_level = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12)
    school_stage = models.CharField(max_length=16, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "category", "risk_level", "status", "school_stage"],
                                               name="children_registrytally_unique")]

    def __str__(self):
        return f"{self.area} {self.category or '*'} {self.risk_level}/{self.status}/{self.school_stage}: {self.n}"
