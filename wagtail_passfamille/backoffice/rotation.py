"""Key rotation: re-encrypt every encrypted column and file with the first key of ENCRYPTION_KEYS.

Put the new key first in ``WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS``, keep the old ones after it,
run ``manage.py passfamille_rotate_keys``, then (after ``WIZARD_LIFETIME``, so that wizards in
progress finish) remove the old keys. Idempotent: a value the first key already decrypts is left
alone, so a second run rewrites nothing. Citizens' files in the private storage are rotated
too, chunk by chunk; a file stored in clear before files were encrypted is encrypted, and
files and folders get owner-only modes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Cast

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.crypto import EncryptedJSONField, _derived_key, fernet
from wagtail_passfamille.security.file_crypto import FileReport, rotate_files
from wagtail_passfamille.security.private_storage import (
    SUBMISSION_PREFIX,
    WIZARD_PREFIX,
    private_storage,
)

BATCH = 500


@dataclass
class ColumnReport:
    model: str
    field: str
    rotated: int = 0
    current: int = 0
    unreadable: int = 0


def encrypted_columns():
    """(model, field name) of every EncryptedJSONField of the installed apps."""
    for model in apps.get_models():
        if model._meta.proxy or model._meta.abstract:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedJSONField) and field.model is model:
                yield model, field.name


def primary_fernet() -> Fernet:
    keys = list(get_setting("ENCRYPTION_KEYS"))
    key = keys[0] if keys else _derived_key("encryption")
    return Fernet(key.encode() if isinstance(key, str) else key)


def rotate_column(model, name: str, *, dry_run: bool = False) -> ColumnReport:
    report = ColumnReport(model._meta.label, name)
    primary, multi = primary_fernet(), fernet()
    last_pk = None
    # The raw tokens, read past the field's decryption.
    base = (
        model._default_manager.exclude(**{f"{name}__isnull": True})
        .annotate(_raw=Cast(F(name), output_field=TextField()))
        .order_by("pk")
    )
    while True:
        queryset = base if last_pk is None else base.filter(pk__gt=last_pk)
        batch = list(queryset.values_list("pk", "_raw")[:BATCH])
        if not batch:
            break
        last_pk = batch[-1][0]
        updates = []
        for pk, token in batch:
            raw = token.encode("ascii")
            try:
                primary.decrypt(raw)
                report.current += 1
                continue
            except InvalidToken:
                pass
            try:
                updates.append((pk, multi.rotate(raw).decode("ascii")))
            except InvalidToken:
                report.unreadable += 1
        report.rotated += len(updates)
        if updates and not dry_run:
            with transaction.atomic():
                for pk, new_token in updates:
                    model._default_manager.filter(pk=pk).update(
                        **{name: Value(new_token, output_field=TextField())}
                    )
    return report


def rotate_all(*, dry_run: bool = False) -> list[ColumnReport]:
    return [rotate_column(model, name, dry_run=dry_run) for model, name in encrypted_columns()]


def rotate_stored_files(*, dry_run: bool = False) -> FileReport:
    prefixes = (WIZARD_PREFIX.rstrip("/"), SUBMISSION_PREFIX.rstrip("/"))
    return rotate_files(private_storage(), primary_fernet(), prefixes, dry_run=dry_run)
