from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.fields import EncryptedTextField, rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        quote = connection.ops.quote_name
        for model in apps.get_models():
            columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not columns:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            count = 0
            # Raw SQL: ciphertext is rotated to ciphertext, never held decrypted.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {', '.join(quote(c) for c in columns)} FROM {table}")  # noqa: S608  names from model meta
                for row_pk, *tokens in cursor.fetchall():
                    updates = {c: rotate(t) for c, t in zip(columns, tokens, strict=True) if t}
                    if updates:
                        sets = ", ".join(f"{quote(c)} = %s" for c in updates)
                        cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*updates.values(), row_pk])  # noqa: S608
                        count += 1
            self.stdout.write(f"{model._meta.label}: {count}")
