# The registry's stored counts per town (children.tally, issue 17), counted once for the children already there.

from django.db import migrations, models


def count(apps, schema_editor):
    from children.tally import recount_all

    recount_all(apps.get_model("children", "Child"), apps.get_model("children", "ChildCategory"),
                apps.get_model("children", "RegistryTally"))


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0015_information_requests'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegistryTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('area', models.CharField(max_length=12)),
                ('category', models.CharField(blank=True, max_length=32)),
                ('risk_level', models.CharField(blank=True, max_length=12)),
                ('status', models.CharField(max_length=12)),
                ('school_stage', models.CharField(blank=True, max_length=16)),
                ('n', models.PositiveIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('area', 'category', 'risk_level', 'status', 'school_stage'), name='children_registrytally_unique')],
            },
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
