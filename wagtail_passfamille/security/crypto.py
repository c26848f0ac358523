"""Encryption at rest and keyed hashes of personal data.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with a MultiFernet over the configured
keys: the first key encrypts, every key decrypts, so keys rotate without downtime. The keys come
from ``WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS``; without them a key is derived from ``SECRET_KEY``
(the W001 system check warns).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.rules.text import normalise_name

__all__ = [
    "InvalidToken",
    "blind_index",
    "decrypt_json",
    "encrypt_json",
    "fernet",
    "keyed_hash",
]


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(
        f"wagtail-passfamille:{purpose}:{settings.SECRET_KEY}".encode()
    ).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    materials = [k.encode() if isinstance(k, str) else k for k in keys]
    if not materials:
        materials = [_derived_key("encryption")]
    return MultiFernet([Fernet(k) for k in materials])


def fernet() -> MultiFernet:
    """The MultiFernet of the current settings (cached per key set)."""
    return _fernet_for(tuple(get_setting("ENCRYPTION_KEYS")), settings.SECRET_KEY)


def encrypt_json(value: Any) -> str:
    payload = json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    return fernet().encrypt(payload).decode("ascii")


def decrypt_json(token: str, *, ttl: int | None = None) -> Any:
    """Decrypt a value of :func:`encrypt_json`; ``ttl`` refuses tokens older than that (s)."""
    return json.loads(fernet().decrypt(token.encode("ascii"), ttl=ttl))


def _hmac_key() -> bytes:
    key = get_setting("HMAC_KEY")
    return key.encode() if key else _derived_key("hmac")


def keyed_hash(*parts: str) -> str:
    """HMAC-SHA256 of the parts: a stable identifier that reveals nothing without the key."""
    message = "\x1f".join(parts).encode()
    return hmac.new(_hmac_key(), message, hashlib.sha256).hexdigest()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised name, so agents can search names that are stored encrypted."""
    return keyed_hash("name", normalise_name(value))


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token: a database dump shows nothing in clear.

    It cannot be filtered or searched in SQL; keep what must be searched in plain columns or in a
    blind index.
    """

    description = "JSON, encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt_json(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith("gAAAA"):
            return decrypt_json(value)
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt_json(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
