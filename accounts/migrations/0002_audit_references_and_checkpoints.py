"""The audit log stops holding child data: the target's text (target_repr) goes, search terms
and ID numbers / phones in the details become HMACs (the blind index key). The digests covered
those values, so the whole chain is re-computed here: after this migration the chain verifies
again, and it cannot show whether it was altered before (docs/privacy.md, "Audit log")."""

import hashlib
import json
import re

import django.utils.timezone
from django.db import migrations, models

SEARCH_KEYS = {"q", "term", "search"}
IDENTIFYING = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def scrub(value, key=""):
    from accounts.fields import blind_index

    if isinstance(value, dict):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str) and value and (key in SEARCH_KEYS or IDENTIFYING.search(value)):
        return "hmac:" + blind_index(value)
    return value


def digest(e) -> str:
    payload = json.dumps([e.created_at.isoformat(), e.username, e.action, e.target_type, e.target_id, e.detail,
                          e.ip_address, e.previous_digest], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def rewrite_and_rechain(apps, schema_editor):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    previous = ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        entry.target_repr = ""
        entry.detail = scrub(entry.detail)
        entry.previous_digest = previous
        entry.digest = previous = digest(entry)
        entry.save(update_fields=["target_repr", "detail", "previous_digest", "digest"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_entry_id', models.BigIntegerField()),
                ('head_digest', models.CharField(blank=True, max_length=64)),
                ('count', models.BigIntegerField()),
                ('signature', models.CharField(max_length=64)),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['-id'],
            },
        ),
        migrations.RunPython(rewrite_and_rechain, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='auditentry',
            name='target_repr',
        ),
    ]
