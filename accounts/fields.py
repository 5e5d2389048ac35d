"""Encryption at rest for sensitive fields (R5) and a keyed hash for exact search.

Keys come from settings.FIELD_ENCRYPTION_KEYS (Fernet keys; the first encrypts, all decrypt),
so rotation is: put a new key first, run `manage.py rotate_encryption_keys`, drop the old key.
"""

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_cache: dict = {}


def _fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: sensitive fields cannot be stored.")
    if _cache.get("keys") != keys:
        _cache["keys"], _cache["fernet"] = keys, MultiFernet([Fernet(k.encode()) for k in keys])
    return _cache["fernet"]


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from exc


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """HMAC-SHA256 of a normalised value: equal inputs match, the value itself is not stored."""
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty.")
    return hmac.new(key.encode(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees plain text. Not searchable: pair it with a
    blind-index column where exact lookup is needed."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedCharField(EncryptedTextField):
    """Same storage as EncryptedTextField; a single-line input in forms."""

    def formfield(self, **kwargs):
        from django import forms

        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


def _is_token(value: str) -> bool:
    try:
        _fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def convert_columns(connection, table: str, columns: list[str], *, to_cipher: bool, batch: int = 500) -> int:
    """Encrypt (to_cipher) or decrypt the plain values of existing rows in raw SQL, in batches by primary key
    `id`; a value already in the wanted form is left alone, so a run that stopped halfway can be repeated.
    Used by the migrations that turn a text column into an EncryptedTextField (and by their reverse).
    Returns the number of rows changed."""
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    changed, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"SELECT id, {cols} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                           [last, batch])
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, *values in rows:
                updates = {}
                for column, value in zip(columns, values, strict=True):
                    if not value:
                        continue
                    if to_cipher and not _is_token(value):
                        updates[column] = encrypt(value)
                    elif not to_cipher and _is_token(value):
                        updates[column] = decrypt(value)
                if updates:
                    sets = ", ".join(f"{quote(c)} = %s" for c in updates)
                    cursor.execute(f"UPDATE {quote(table)} SET {sets} WHERE id = %s",  # noqa: S608
                                   [*updates.values(), pk])
                    changed += 1
            last = rows[-1][0]
