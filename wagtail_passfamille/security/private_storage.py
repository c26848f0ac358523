"""The private storage of citizens' files: configured by ``FILE_STORAGE``, encrypted at rest,
never served by URL; unfinished démarches' files under ``wizard/``, submissions' under
``submissions/``. Written by the citizen's side, read and erased by the back-office.
"""

from __future__ import annotations

import functools
import time

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from wagtail_passfamille.conf import PREFIX, get_setting
from wagtail_passfamille.security.file_crypto import EncryptedStorage

WIZARD_PREFIX = "wizard/"
SUBMISSION_PREFIX = "submissions/"


@functools.cache
def private_storage() -> Storage:
    """The storage of ``FILE_STORAGE`` (``{"BACKEND": ..., "OPTIONS": {...}}``), built once,
    wrapped so that every file is encrypted on it
    (:class:`~wagtail_passfamille.security.file_crypto.EncryptedStorage`)."""
    config = get_setting("FILE_STORAGE")
    try:
        backend = import_string(config["BACKEND"])
    except (KeyError, TypeError, ImportError) as exc:
        raise ImproperlyConfigured(
            f"{PREFIX}FILE_STORAGE needs a 'BACKEND' naming a storage class."
        ) from exc
    return EncryptedStorage(backend(**config.get("OPTIONS", {})))


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == PREFIX + "FILE_STORAGE":
        private_storage.cache_clear()


def _walk(storage: Storage, directory: str):
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for file_name in files:
        yield f"{directory}/{file_name}"
    for sub in directories:
        yield from _walk(storage, f"{directory}/{sub}")


def delete_stale_wizard_files(
    older_than_seconds: float, *, dry_run: bool = False, storage: Storage | None = None
) -> int:
    """Delete the files under ``wizard/`` last modified more than ``older_than_seconds`` ago.

    Returns how many were (with ``dry_run``, would be) deleted. Files of submissions, under
    ``submissions/``, are never looked at.
    """
    storage = storage if storage is not None else private_storage()
    cutoff = time.time() - older_than_seconds
    count = 0
    for name in _walk(storage, WIZARD_PREFIX.rstrip("/")):
        try:
            # Naive datetimes (USE_TZ = False) are local time, as .timestamp() assumes.
            modified = storage.get_modified_time(name).timestamp()
        except FileNotFoundError:
            continue  # removed meanwhile, by the wizard or another cleanup
        if modified < cutoff:
            if not dry_run:
                storage.delete(name)
            count += 1
    return count
