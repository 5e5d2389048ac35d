"""Incident.visit_id, a bare integer, becomes the foreign key Incident.visit on the same column.

The column keeps its name (visit_id) and its values. The steps: pin the integer field's column, rename
the field (state only: the column is pinned), then turn it into the foreign key on that column, which
adds the constraint and the index. A value that names no visit could not satisfy the constraint; it is
cleared first (visits are never deleted, so only a hand-typed ?visit= number can have left one).
"""

import django.db.models.deletion
from django.db import migrations, models


def clear_dangling_visit_ids(apps, schema_editor):
    Incident = apps.get_model("cases", "Incident")
    Visit = apps.get_model("visits", "Visit")
    (Incident.objects.filter(visit_id__isnull=False)
     .exclude(visit_id__in=Visit.objects.values("pk"))
     .update(visit_id=None))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_incident_policy"),
        ("visits", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_dangling_visit_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="incident",
            name="visit_id",
            field=models.PositiveIntegerField(blank=True, null=True, db_column="visit_id", verbose_name="from visit"),
        ),
        migrations.RenameField(model_name="incident", old_name="visit_id", new_name="visit"),
        migrations.AlterField(
            model_name="incident",
            name="visit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="visits.visit", verbose_name="from visit"),
        ),
    ]
