"""Which tables the hand-over holds, found through Django's app registry, and how a row is written.

Every concrete model of the project's own apps (those under BASE_DIR: a new model is included without
touching this app), their many-to-many tables and change-history tables (simple_history's models live in
the app of the model they record), plus the admin's action log (its entries name the objects they
changed). The hand-over app's own job table is not part of it.
"""

import base64
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

# Rows that change by being used, not by anyone editing data: the last sign-in of the bureau downloading
# the hand-over must not make it differ from the database.
VOLATILE = {"accounts.user": {"last_login"}}
# Append-only journals: rows written after the export (downloading it is audited) are not differences.
APPEND_ONLY = {"accounts.auditentry", "accounts.auditcheckpoint"}
# Kept by purge_after_handover: public reference data and the audit log (R6: kept ≥ 3 years, no child data).
KEPT_BY_PURGE_APPS = {"divisions"}
KEPT_BY_PURGE = {"accounts.auditentry", "accounts.auditcheckpoint"}
EXTRA_EXPORTED = ["admin.logentry"]
EXTRA_PURGED = ["sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"]


def project_app_labels() -> list[str]:
    base = Path(settings.BASE_DIR).resolve()
    labels = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if config.label == "handover" or base not in path.parents or ".venv" in path.parts:
            continue
        labels.append(config.label)
    return labels


def label_of(model) -> str:
    return model._meta.label_lower


def exported_models() -> list[type[models.Model]]:
    found = []
    for app_label in project_app_labels():
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                found.append(model)
    for label in EXTRA_EXPORTED:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            pass
    return found


def purged_models() -> list[type[models.Model]]:
    found = [m for m in exported_models()
             if m._meta.app_label not in KEPT_BY_PURGE_APPS and label_of(m) not in KEPT_BY_PURGE]
    # the browser's export jobs name the user who started them (their zips go with the protected files)
    found += [m for m in apps.get_app_config("handover").get_models() if m._meta.managed]
    for label in EXTRA_PURGED:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            pass
    return found


@dataclass
class Column:
    name: str        # the database attribute (JSON key)
    field: models.Field

    @property
    def is_file(self) -> bool:
        return isinstance(self.field, models.FileField)


def columns(model) -> list[Column]:
    return [Column(f.attname, f) for f in model._meta.concrete_fields]


_AS_IS = frozenset({str, int, bool, float})


def plain(value):
    """A column's value as JSON: dates ISO 8601 (datetimes in full, with their offset), decimals and UUIDs as
    strings, binary as base64, files by their name under the protected media root."""
    if value is None or type(value) in _AS_IS:  # most columns: no conversion
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def rows(model, chunk_size: int = 2000):
    """(pk, record) of every row, streamed in primary-key order; encrypted fields come back decrypted
    (their from_db_value runs for values_list too)."""
    cols = columns(model)
    names = [c.name for c in cols]
    pk_name = model._meta.pk.attname
    queryset = model._base_manager.order_by("pk").values_list(*names)
    for values in queryset.iterator(chunk_size=chunk_size):
        record = {name: plain(value) for name, value in zip(names, values, strict=True)}
        yield record[pk_name], record


def canonical(record: dict, label: str) -> str:
    skip = VOLATILE.get(label, ())
    return json.dumps({k: v for k, v in record.items() if k not in skip}, sort_keys=True, ensure_ascii=False,
                      default=str)


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)
