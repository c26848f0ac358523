"""Encryption at rest and keyed hashes of personal data.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with a MultiFernet over the configured
keys: the first key encrypts, every key decrypts, so keys rotate without downtime. The keys come
from ``WAGTAIL_PASSFAMILLE_ENCRYPTION_KEYS``; without them a key is derived from ``SECRET_KEY``
(the W001 system check warns).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import json.scanner
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.rules.text import normalise_name

__all__ = [
    "InvalidToken",
    "blind_index",
    "decrypt_json",
    "decrypt_json_many",
    "decrypt_many",
    "encrypt_json",
    "fernet",
    "keyed_hash",
    "loads",
]


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(
        f"wagtail-passfamille:{purpose}:{settings.SECRET_KEY}".encode()
    ).digest()
    return base64.urlsafe_b64encode(digest)


def _materials(keys: tuple[str, ...]) -> list[bytes]:
    materials = [k.encode() if isinstance(k, str) else k for k in keys]
    return materials or [_derived_key("encryption")]


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _materials(keys)])


@lru_cache(maxsize=4)
def _raw_keys_for(keys: tuple[str, ...], secret_key: str) -> tuple[tuple[bytes, bytes], ...]:
    """(signing key, encryption key) of each Fernet key, in MultiFernet's order."""
    raw = [base64.urlsafe_b64decode(material) for material in _materials(keys)]
    return tuple((key[:16], key[16:]) for key in raw)


def fernet() -> MultiFernet:
    """The MultiFernet of the current settings (cached per key set)."""
    return _fernet_for(tuple(get_setting("ENCRYPTION_KEYS")), settings.SECRET_KEY)


def json_payload(value: Any) -> bytes:
    """What :func:`encrypt_json` encrypts: the same value always gives the same bytes (a
    decrypted payload tells whether a value changed since, without serialising it twice)."""
    return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def encrypt_json(value: Any) -> str:
    return encrypt_payload(json_payload(value))


def encrypt_payload(payload: bytes) -> str:
    return fernet().encrypt(payload).decode("ascii")


def decrypt_payload(token: str, *, ttl: int | None = None) -> bytes:
    """The :func:`json_payload` of a value of :func:`encrypt_json`; ``ttl`` refuses tokens
    older than that (s)."""
    return fernet().decrypt(token.encode("ascii"), ttl=ttl)


def token_timestamp(token: str) -> int:
    """When a token :func:`decrypt_payload` accepted was made (Unix time): read from the token
    (Fernet's version byte, then the time in 8 bytes) without checking its signature again."""
    return int.from_bytes(base64.urlsafe_b64decode(token)[1:9], "big")


def decrypt_json(token: str, *, ttl: int | None = None) -> Any:
    """Decrypt a value of :func:`encrypt_json`; ``ttl`` refuses tokens older than that (s)."""
    return json.loads(decrypt_payload(token, ttl=ttl))


def decrypt_json_many(tokens: list[str | None]) -> list[Any]:
    """:func:`decrypt_json` of many tokens at once (``None`` stays ``None``)."""
    return [None if plain is None else loads(plain) for plain in decrypt_many(tokens)]


def decrypt_many(tokens: list[str | None]) -> list[bytes | None]:
    """The plaintexts of many tokens of :func:`fernet` at once (``None`` stays ``None``): what
    an export of thousands of rows needs (parse each with :func:`loads` when it is used, so
    that a chunk's parsed values are not all alive at once).

    The same checks as Fernet, in the same order: version byte, then the HMAC-SHA256 of each
    token under each key in turn (the first key that verifies decrypts), then AES-128-CBC and
    its PKCS7 padding. Only the AES work is batched: CBC decryption is ``P[i] = D(C[i]) xor
    C[i-1]`` (``C[-1]`` being the IV), so the blocks of every token that one key signed are
    decrypted in a single ECB call and xored with their predecessors in a single integer xor.
    Any invalid token raises :class:`InvalidToken`, like :func:`decrypt_json`.
    """
    keys = _raw_keys_for(tuple(get_setting("ENCRYPTION_KEYS")), settings.SECRET_KEY)
    signing_keys = [signing for signing, _enc in keys]
    by_key: dict[int, list[tuple[int, bytes, bytes]]] = {}
    a2b, digest, compare = binascii.a2b_base64, hmac.digest, hmac.compare_digest
    # One translation of the whole chunk from URL-safe base64, then one decoding per token.
    texts = "".join(token for token in tokens if token is not None)
    if not texts.isascii():
        raise InvalidToken
    texts = texts.translate(_URLSAFE)
    start = 0
    for position, token in enumerate(tokens):
        if token is None:
            continue
        end = start + len(token)
        try:
            data = a2b(texts[start:end])
        except (TypeError, ValueError):
            raise InvalidToken from None
        start = end
        body = len(data) - 25 - 32
        if data[:1] != b"\x80" or body <= 0 or body % 16:
            raise InvalidToken
        signed, signature = data[:-32], data[-32:]
        for index, signing in enumerate(signing_keys):
            if compare(digest(signing, signed, "sha256"), signature):
                by_key.setdefault(index, []).append((position, data[9:25], data[25:-32]))
                break
        else:
            raise InvalidToken
    results: list[bytes | None] = [None] * len(tokens)
    for index, items in by_key.items():
        ciphertext = b"".join(body for _pos, _iv, body in items)
        previous = b"".join(iv + body[:-16] for _pos, iv, body in items)
        # ECB here is the block primitive of a CBC decryption (xor below), not a mode of use.
        decryptor = Cipher(algorithms.AES(keys[index][1]), modes.ECB()).decryptor()  # noqa: S305
        decrypted = decryptor.update(ciphertext) + decryptor.finalize()
        size = len(ciphertext)
        plain = (int.from_bytes(decrypted, "big") ^ int.from_bytes(previous, "big")).to_bytes(
            size, "big"
        )
        start = 0
        for position, _iv, body in items:
            end = start + len(body)
            pad = plain[end - 1]
            if not 1 <= pad <= 16 or plain[end - pad : end] != _PADDING[pad]:
                raise InvalidToken
            results[position] = plain[start : end - pad]
            start = end
    return results


_scan = json.scanner.make_scanner(json.JSONDecoder())


def loads(payload: bytes) -> Any:
    """``json.loads(payload)`` for the plaintext of :func:`encrypt_json` (one JSON document
    in UTF-8, nothing around it): the scanner ``json.loads`` ends in, called directly (the
    rest of ``json.loads`` cost as much as the parsing of an answers token); anything else
    goes through ``json.loads``, which parses it or raises as usual."""
    try:
        text = payload.decode()
        value, end = _scan(text, 0)
    except (UnicodeDecodeError, StopIteration):
        return json.loads(payload)
    return value if end == len(text) else json.loads(payload)


_URLSAFE = str.maketrans("-_", "+/")
_PADDING = [bytes([pad]) * pad for pad in range(17)]


def _hmac_key() -> bytes:
    key = get_setting("HMAC_KEY")
    return key.encode() if key else _derived_key("hmac")


def keyed_hash(*parts: str) -> str:
    """HMAC-SHA256 of the parts: a stable identifier that reveals nothing without the key."""
    message = "\x1f".join(parts).encode()
    return hmac.new(_hmac_key(), message, hashlib.sha256).hexdigest()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised name, so agents can search names that are stored encrypted.

    The order of the words does not matter (« Pierre MARTIN » = « martin pierre »): the
    normalised words are sorted. A one-word name keeps the hash it had before words were sorted.
    """
    return keyed_hash("name", " ".join(sorted(normalise_name(value).split())))


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
