# The photo and the evidence go through accounts.uploads (images re-encoded without EXIF).

import accounts.uploads
import children.models
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0006_risk_event_level_set'),
    ]

    operations = [
        migrations.AlterField(
            model_name='child',
            name='photo',
            field=accounts.uploads.ProtectedFileField(blank=True, upload_to=children.models.photo_upload_to, verbose_name='photo'),
        ),
        migrations.AlterField(
            model_name='childcategory',
            name='evidence',
            field=accounts.uploads.ProtectedFileField(blank=True, documents=True, max_length=200, upload_to=children.models.evidence_upload_to, verbose_name='evidence'),
        ),
    ]
