"""Search that uses indexes (docs/registry.md "Search"): the given name in pinyin, an index for the
list's order, and on PostgreSQL pg_trgm and per-character GIN indexes for Chinese name search."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# PostgreSQL only: SQLite has neither GIN indexes nor pg_trgm and searches by scanning (the embedded default).
TRIGRAM_COLUMNS = [("children_child", "name"), ("children_child", "guardian_name"),
                   ("children_child", "caregiver_name"), ("children_parent", "name")]
CHARS_INDEX = ("CREATE INDEX IF NOT EXISTS children_child_name_chars ON children_child "
               "USING gin (regexp_split_to_array(name, ''))")


def create_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                              f"USING gin ({column} gin_trgm_ops)")
    schema_editor.execute(CHARS_INDEX)


def drop_gin_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS children_child_name_chars")


def fill_given_pinyin(apps, schema_editor):
    from children.models.child import search_columns

    Child = apps.get_model("children", "Child")
    batch = []
    for child in Child.objects.only("pk", "name").iterator(chunk_size=2000):
        child.name_pinyin_given = search_columns(child.name)["name_pinyin_given"]
        batch.append(child)
        if len(batch) == 2000:
            Child.objects.bulk_update(batch, ["name_pinyin_given"])
            batch = []
    Child.objects.bulk_update(batch, ["name_pinyin_given"])


class Migration(migrations.Migration):

    dependencies = [
        ("children", "0007_protected_photo_and_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="name_pinyin_given",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200,
                                   verbose_name="given name in pinyin"),
        ),
        migrations.RunPython(fill_given_pinyin, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(fields=["name", "id"], name="children_child_name_id"),
        ),
        TrigramExtension(),
        migrations.RunPython(create_gin_indexes, drop_gin_indexes),
    ]
