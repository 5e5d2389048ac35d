import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Division",
            fields=[
                ("code", models.CharField(max_length=12, primary_key=True, serialize=False, verbose_name="code")),
                ("name", models.CharField(max_length=64, verbose_name="name")),
                ("level", models.CharField(choices=[("city", "City"), ("county", "County-level unit"), ("town", "Town"), ("village", "Village")], db_index=True, max_length=8, verbose_name="level")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="divisions.division", verbose_name="parent")),
            ],
            options={"verbose_name": "division", "verbose_name_plural": "divisions", "ordering": ["code"]},
        ),
    ]
