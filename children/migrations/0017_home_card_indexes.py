# Indexes for the home page's cards and the work list: birth date (turning 16 or 18), 待细分, a worker's caseload (issue 17).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0016_registry_tally'),
        ('divisions', '0002_load_zhanjiang'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['birth_date'], name='children_child_birth_date'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(condition=models.Q(('category_pending', ''), _negated=True), fields=['category_pending'], name='children_child_pending'),
        ),
        migrations.AddIndex(
            model_name='child',
            index=models.Index(fields=['social_worker', 'status', 'residence', 'id'], name='children_child_caseload'),
        ),
    ]
