"""R5: the free text about a child in cases and discovery reports is encrypted at rest (docs/privacy.md).

Read with raw SQL (connection.cursor()), so what is checked is what the database file holds; runs on SQLite
and on PostgreSQL (DATABASE_URL=postgres://…)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from accounts.fields import convert_columns, decrypt
from cases import services
from cases.incidents import services as incident_services
from cases.models import (
    Case,
    CaseNote,
    DirectService,
    IncidentMeasure,
    Resource,
    ResourceType,
    ServiceType,
    SupervisionNote,
)

from .case_helpers import case_through

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("cases.migrations.0011_encrypt_case_free_text")
SECRET = "机密"


def columns():
    """(model, table, column) of every column the migration encrypts."""
    for model_name, names in MIGRATION.COLUMNS.items():
        model = apps.get_model("cases", model_name)
        for name in names:
            yield model, model._meta.db_table, model._meta.get_field(name).column


def raw(table, column):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


@pytest.fixture
def everything(case, worker, supervisor):
    """One row of every model with encrypted text, written through the services where there is one."""
    case_through(case, worker, supervisor, Case.Stage.FOLLOW_UP)
    services.add_note(case=case, by=worker, text="孩子说父亲打过他")
    SupervisionNote.objects.create(case=case, text="督导：注意孩子的情绪", created_by=supervisor)
    resource = Resource.objects.create(name="湛江市儿童福利院", type=ResourceType.objects.first())
    case.referrals.create(resource=resource, need="需要心理辅导", outcome="已接收", created_by=worker)
    incident = incident_services.file_incident(
        by=worker, situations=["injury"], discovered_at=timezone.now() - datetime.timedelta(hours=1),
        place=case.child.residence, description="看到孩子身上有伤", child=case.child)
    notice = incident.notices.get(recipient="police")
    notice.notified_at, notice.channel, notice.receiver = timezone.now(), "phone", "李警官"
    notice.feedback_at, notice.feedback = timezone.now(), "已立案调查，儿童已安置"
    notice.save()
    IncidentMeasure.objects.create(incident=incident, kind="shelter", taken_at=timezone.now(), note="送往救助站",
                                   recorded_by=worker)
    DirectService.objects.create(child=case.child, service_type=ServiceType.objects.get(code="family_education"),
                                 duration_minutes=30, participants=["guardian"], content="指导祖母", result="有改善",
                                 created_by=worker)
    # Every column non-empty, with a word the raw values must not show.
    for model, _table, column in columns():
        field = next(f for f in model._meta.concrete_fields if f.column == column)
        for obj in model.objects.all():
            setattr(obj, field.attname, f"{SECRET}{model._meta.model_name}.{column}{obj.pk}")
            obj.save(update_fields=[field.name])
    return case


def test_every_new_encrypted_column_holds_ciphertext_only(everything):
    for model, table, column in columns():
        rows = raw(table, column)
        assert rows, f"no {table} row: the test does not cover {column}"
        for pk, value in rows:
            assert value and SECRET not in value, f"{table}.{column} #{pk} holds plain text"
            assert decrypt(value) == f"{SECRET}{model._meta.model_name}.{column}{pk}"
        # …and the ORM still reads plain text
        field = next(f for f in model._meta.concrete_fields if f.column == column)
        assert all(text.startswith(SECRET) for text in model.objects.values_list(field.name, flat=True))


def test_text_written_by_the_services_is_not_stored_in_the_clear(case, worker):
    services.add_note(case=case, by=worker, text="孩子说父亲打过他")
    for table, column, plain in [("cases_case", "reason", "祖母年迈"), ("cases_case", "source_note", "入户探访"),
                                 ("cases_casenote", "text", "父亲打过")]:
        assert all(plain not in value for _pk, value in raw(table, column))
    assert CaseNote.objects.get(case=case).text == "孩子说父亲打过他"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_casenote WHERE text LIKE %s", ["%父亲%"])
        assert cursor.fetchone()[0] == 0


def test_the_migration_encrypts_existing_plain_text_once_and_its_reverse_decrypts(case, worker):
    services.add_note(case=case, by=worker, text="旧的记录")
    with connection.cursor() as cursor:  # rows as they were before the migration: plain text
        cursor.execute("UPDATE cases_casenote SET text = %s", ["旧的记录"])
        cursor.execute("UPDATE cases_case SET reason = %s, source_note = %s", ["旧的问题", ""])
    assert raw("cases_casenote", "text")[0][1] == "旧的记录"

    assert convert_columns(connection, "cases_casenote", ["text"], to_cipher=True) == 1
    assert convert_columns(connection, "cases_case", ["source_note", "reason"], to_cipher=True) == 1
    assert "旧的" not in raw("cases_casenote", "text")[0][1] and "旧的" not in raw("cases_case", "reason")[0][1]
    assert raw("cases_case", "source_note")[0][1] == ""  # empty stays empty
    assert CaseNote.objects.get().text == "旧的记录" and Case.objects.get().reason == "旧的问题"
    # run again (a migration that stopped halfway is repeated): nothing is encrypted twice
    assert convert_columns(connection, "cases_casenote", ["text"], to_cipher=True) == 0
    assert CaseNote.objects.get().text == "旧的记录"

    assert convert_columns(connection, "cases_casenote", ["text"], to_cipher=False) == 1
    assert raw("cases_casenote", "text")[0][1] == "旧的记录"


def test_the_migration_function_covers_every_column(case, worker):
    """encrypt_existing walks every table of COLUMNS, in batches."""
    for n in range(3):
        services.add_note(case=case, by=worker, text=f"记录{n}")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_casenote SET text = %s", ["明文"])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    MIGRATION.encrypt_existing(apps, editor)
    assert all("明文" not in value for _pk, value in raw("cases_casenote", "text"))
    assert set(CaseNote.objects.values_list("text", flat=True)) == {"明文"}
