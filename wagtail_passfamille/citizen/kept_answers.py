"""Validated answers kept with what they were validated against, so that a request re-validates
only the steps a change can affect.

Every request of the wizard needs each stored step's cleaned answers: the visible steps and the
hidden fields follow conditions on them, and no step is reachable before every earlier one is
valid. Validating all the stored steps again on every request made a step cost about 1.5× a
stock form. A step's cleaned answers are therefore kept in the wizard's (encrypted) storage with
a fingerprint of everything its validation reads: the live revision of the démarche, the
sources FranceConnect fetched (their sections ask for no identity), the step,
what the answers of the steps before it decided in its form (which fields conditions hide; when
its fields' conditions are evaluated as the citizen types, the keys under which the steps before
it were validated: they determine those answers), its stored data
and files, and the day (date validators). When the fingerprint still matches, the kept
answers are used as they are; when anything in it changed, the step is validated again. The
final submit validates again the steps with files or certified data (:mod:`.final_forms`).

Values are kept as JSON with the types a form cleans to (dates, decimals) tagged so that they
come back as the same objects; a file comes back as :class:`KeptFile` (its name and type, what
the recap shows); anything else is not kept (validated every time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from wagtail_passfamille.citizen.certified_forms import FRANCE_CONNECT_SOURCES
from wagtail_passfamille.citizen.forms import to_answer

#: The storage key of the kept answers, beside formtools' own keys (reset with them).
KEPT = "validated"


class Unkeepable(TypeError):
    """A cleaned value this module cannot store and give back identical."""


class KeptFile:
    """What the wizard reads of a stored file's cleaned value between requests."""

    def __init__(self, name, safe_name, size, content_type):
        self.name = name
        self.safe_name = safe_name
        self.size = size
        self.content_type = content_type

    def __str__(self):
        return self.name or ""

    def __eq__(self, other):
        return isinstance(other, KeptFile) and vars(self) == vars(other)

    __hash__ = None


def encode(value) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, UploadedFile | KeptFile):
        return {
            "$file": [
                value.name,
                getattr(value, "safe_name", None),
                value.size,
                value.content_type,
            ]
        }
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        if any(not isinstance(key, str) or key.startswith("$") for key in value):
            raise Unkeepable(type(value))
        return {key: encode(item) for key, item in value.items()}
    raise Unkeepable(type(value))


def decode(value) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$date":
            return dt.date.fromisoformat(inner)
        if tag == "$datetime":
            return dt.datetime.fromisoformat(inner)
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$file":
            return KeptFile(*inner)
    return {key: decode(item) for key, item in value.items()}


def fingerprint(revision, step, form_reads, step_data, step_files, today=None) -> str | None:
    """What a step's validation reads, hashed; ``None`` (nothing kept) without a revision."""
    if revision is None:
        return None
    payload = json.dumps(
        [
            revision,
            step,
            to_answer(form_reads),
            step_data,
            step_files,
            (today or timezone.localdate()).isoformat(),
        ],
        sort_keys=True,
        cls=DjangoJSONEncoder,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def recall(storage, step, key):
    """``(True, cleaned)`` when answers validated under ``key`` are kept (``cleaned`` is None
    for a step found invalid), else ``(False, None)``."""
    if key is None:
        return False, None
    record = storage.data.get(KEPT, {}).get(step)
    if not record or record.get("key") != key:
        return False, None
    cleaned = record.get("cleaned")
    return True, None if cleaned is None else decode(cleaned)


def keep(storage, step, key, cleaned) -> None:
    """Keep a step's cleaned answers (or ``None``: invalid) under ``key``."""
    kept = storage.data.setdefault(KEPT, {})
    if key is None:
        kept.pop(step, None)
        return
    try:
        kept[step] = {"key": key, "cleaned": None if cleaned is None else encode(cleaned)}
    except Unkeepable:
        kept.pop(step, None)


def kept_or_cleaned(wizard, name, form_class, form_reads, today=None):
    """A step's answers as kept when nothing its validation reads changed since it was
    validated, else validated again (``wizard.cleaned_step``) and kept. ``form_reads``: what
    earlier answers decided in the step's form (its hidden fields, or what all of them were
    validated against). The key is left in ``wizard._kept_keys``."""
    storage = wizard.storage
    data = storage.data[storage.step_data_key].get(name)
    if data is None:
        wizard._kept_keys.pop(name, None)
        return wizard.cleaned_step(name, form_class)
    page = wizard.page
    revision = (
        # The certified sections FranceConnect already fetched ask for no identity: a step's
        # validation reads them too.
        (page.live_revision_id, page.last_published_at, sorted(FRANCE_CONNECT_SOURCES.get()))
        if page.live and page.live_revision_id
        else None
    )
    files = storage.data[storage.step_files_key].get(name)
    key = wizard._kept_keys[name] = fingerprint(revision, name, form_reads, data, files, today)
    if name not in wizard._cleaned_steps:
        found, cleaned = recall(storage, name, key)
        if found:
            wizard._cleaned_steps[name] = cleaned
            return cleaned
    cleaned = wizard.cleaned_step(name, form_class)
    keep(storage, name, key, cleaned)
    return cleaned
