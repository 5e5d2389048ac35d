"""Load the project's own copy of the 统计用区划代码 for 湛江 (divisions/data/)."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "zhanjiang-divisions.csv"


def load(apps, schema_editor):
    Division = apps.get_model("divisions", "Division")
    with CSV_PATH.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    known = {r["code"] for r in rows}
    # Parents come before children in the file (city, counties, towns, villages).
    Division.objects.bulk_create(
        [
            Division(
                code=r["code"],
                name=r["name"],
                level=r["level"],
                parent_id=r["parent_code"] if r["parent_code"] in known else None,
            )
            for r in rows
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("divisions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
