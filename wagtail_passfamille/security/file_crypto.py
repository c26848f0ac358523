"""Citizens' files encrypted at rest, streamed: the keys and rotation of the database columns.

A file is a header (``MAGIC``) then records: a 4-byte big-endian length and a Fernet token of
the :func:`~wagtail_passfamille.security.crypto.fernet` keys (the first key encrypts, every key
decrypts). Each token holds up to ``CHUNK_SIZE`` bytes of the file, prefixed with its index and
a last-chunk flag, so records cannot be reordered, dropped or cut off at the end unnoticed.
Memory stays at a few chunks whatever the file's size.

:class:`EncryptedStorage` wraps the configured private storage: ``save()`` encrypts while it
writes, ``open()`` decrypts while it reads. A file written before encryption existed (no
``MAGIC``) is still read as it is; ``manage.py passfamille_rotate_keys`` encrypts it.
On a ``FileSystemStorage`` without explicit modes, files are 0600 and folders 0700.
"""

from __future__ import annotations

import io
import itertools
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible

from wagtail_passfamille.security.crypto import fernet

MAGIC = b"PFENC1\n"
CHUNK_SIZE = 64 * 1024
_LENGTH = struct.Struct(">I")
_PREFIX = struct.Struct(">QB")  # chunk index, 1 on the last chunk
# A token of CHUNK_SIZE bytes is about 4/3 of it: anything much longer is not ours.
_MAX_TOKEN = 2 * CHUNK_SIZE + 1024
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class CorruptFile(InvalidToken):
    """A record is missing, reordered, truncated or not readable with the current keys."""


def _read_exactly(stream, size: int) -> bytes:
    parts, missing = [], size
    while missing:
        data = stream.read(missing)
        if not data:
            break
        parts.append(data)
        missing -= len(data)
    return b"".join(parts)


def _plain_chunks(stream) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is_last) of a readable stream, reading one chunk ahead."""
    current = _read_exactly(stream, CHUNK_SIZE)
    while True:
        following = _read_exactly(stream, CHUNK_SIZE) if len(current) == CHUNK_SIZE else b""
        yield current, not following
        if not following:
            return
        current = following


def encrypted_records(stream, encryptor: Fernet | MultiFernet | None = None) -> Iterator[bytes]:
    """The encrypted file of ``stream``'s bytes, as successive pieces (header first)."""
    encryptor = encryptor or fernet()
    yield MAGIC
    for index, (chunk, last) in enumerate(_plain_chunks(stream)):
        token = encryptor.encrypt(_PREFIX.pack(index, int(last)) + chunk)
        yield _LENGTH.pack(len(token)) + token


def raw_tokens(stream) -> Iterator[bytes]:
    """The Fernet tokens of an encrypted stream positioned after ``MAGIC``."""
    while True:
        header = _read_exactly(stream, _LENGTH.size)
        if not header:
            return
        if len(header) < _LENGTH.size:
            raise CorruptFile("truncated record length")
        (length,) = _LENGTH.unpack(header)
        if length > _MAX_TOKEN:
            raise CorruptFile("record too long")
        token = _read_exactly(stream, length)
        if len(token) < length:
            raise CorruptFile("truncated record")
        yield token


def decrypted_chunks(stream, decryptor: MultiFernet | None = None) -> Iterator[bytes]:
    """The plain bytes of an encrypted stream positioned after ``MAGIC``, chunk by chunk."""
    decryptor = decryptor or fernet()
    expected, finished = 0, False
    for token in raw_tokens(stream):
        if finished:
            raise CorruptFile("record after the last one")
        plain = decryptor.decrypt(token)
        index, last = _PREFIX.unpack_from(plain)
        if index != expected:
            raise CorruptFile("records out of order")
        expected += 1
        finished = bool(last)
        yield plain[_PREFIX.size :]
    if not finished:
        raise CorruptFile("the last record is missing")


class _ChunkReader(io.RawIOBase):
    """A read-only, forward-only stream over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buffer = b""

    def readable(self):
        return True

    def readinto(self, target):
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


class EncryptingReader:
    """What a storage's ``save()`` reads: the encrypted form of ``content``, streamed.

    It has no ``temporary_file_path``: a storage must never move a plain temporary upload.
    """

    def __init__(self, content):
        content.seek(0)
        self._reader = _ChunkReader(encrypted_records(content))

    def read(self, size=-1):
        return self._reader.read(size)


class DecryptedFile:
    """A stored file opened for reading: plain bytes, streamed; ``seek(0)`` starts again.

    It has neither ``tell`` nor ``size``: the plain size is not on disk (the submission's row
    has it), so responses stream without a Content-Length rather than announce a wrong one.
    """

    def __init__(self, storage: Storage, name: str):
        # No ``name``: Django's File would take it for a path to measure.
        self._storage, self.storage_name = storage, name
        self._raw = None
        self._reader = None
        self.seek(0)

    def _start(self):
        if self._raw is not None:
            self._raw.close()
        self._raw = self._storage.open(self.storage_name, "rb")
        head = _read_exactly(self._raw, len(MAGIC))
        self.encrypted = head == MAGIC
        if self.encrypted:
            chunks = decrypted_chunks(self._raw)
        else:  # written before files were encrypted: read as it is
            chunks = itertools.chain([head], iter(lambda: self._raw.read(CHUNK_SIZE), b""))
        self._reader = _ChunkReader(chunks)

    def read(self, size=-1):
        return self._reader.read(size if size is not None else -1)

    def seek(self, offset, whence=os.SEEK_SET):
        if (offset, whence) != (0, os.SEEK_SET):
            raise io.UnsupportedOperation("an encrypted file can only go back to its start")
        self._start()
        return 0

    def seekable(self):
        return False

    def readable(self):
        return True

    @property
    def closed(self):
        return self._raw is None or self._raw.closed

    def close(self):
        if self._raw is not None:
            self._raw.close()

    def __iter__(self):
        return iter(lambda: self.read(CHUNK_SIZE), b"")


def _with_private_modes(storage: Storage) -> Storage:
    if isinstance(storage, FileSystemStorage):
        # Django's own settings (FILE_UPLOAD_PERMISSIONS…) are for public media: unless the
        # storage's OPTIONS set modes, citizens' files are readable by their owner only.
        if storage._file_permissions_mode is None:
            storage._file_permissions_mode = FILE_MODE
        if storage._directory_permissions_mode is None:
            storage._directory_permissions_mode = DIRECTORY_MODE
        for name in ("file_permissions_mode", "directory_permissions_mode"):
            storage.__dict__.pop(name, None)  # cached_property: read the new value
    return storage


@deconstructible(path="wagtail_passfamille.security.file_crypto.EncryptedStorage")
class EncryptedStorage(Storage):
    """Wraps a storage so that every file is encrypted on it (see the module's docstring)."""

    def __init__(self, storage: Storage):
        self.inner = _with_private_modes(storage)

    def save(self, name, content, max_length=None):
        if not hasattr(content, "read"):
            content = File(content)
        encrypted = File(EncryptingReader(content), name=name)
        return self.inner.save(name, encrypted, max_length=max_length)

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save() only.")
        return File(DecryptedFile(self.inner, name), name=name)

    def delete(self, name):
        self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def size(self, name):
        """The stored (encrypted) size."""
        return self.inner.size(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def path(self, name):
        return self.inner.path(name)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def url(self, name):
        raise NotImplementedError("Citizens' files have no URL: serve them through a view.")


# --- Rotation and encryption of older plain files -------------------------------------------


@dataclass
class FileReport:
    rotated: int = 0
    encrypted: int = 0
    current: int = 0
    unreadable: int = 0


def _walk(storage: Storage, directory: str):
    try:
        directories, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in files:
        yield f"{directory}/{file_name}" if directory else file_name
    for sub in directories:
        yield from _walk(storage, f"{directory}/{sub}" if directory else sub)


def _state(storage: Storage, name: str, primary: Fernet) -> str:
    """ "plain", "current" (every record under the first key) or "stale"."""
    with storage.open(name, "rb") as raw:
        if _read_exactly(raw, len(MAGIC)) != MAGIC:
            return "plain"
        for token in raw_tokens(raw):
            try:
                primary.decrypt(token)
            except InvalidToken:
                return "stale"
    return "current"


def _rewrite(storage: Storage, name: str, pieces: Iterator[bytes]) -> None:
    """Replace ``name`` with ``pieces``: next to it then renamed when the storage has paths."""
    try:
        target = storage.path(name)
    except NotImplementedError:
        target = None
    if target is None:
        data = io.BytesIO(b"".join(pieces))  # storages without paths: one file at a time
        storage.delete(name)
        storage.save(name, File(data, name=name))
        return
    temporary = target + ".rotating"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        for piece in pieces:
            out.write(piece)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)


def _rotated_pieces(storage: Storage, name: str, multi: MultiFernet) -> Iterator[bytes]:
    with storage.open(name, "rb") as raw:
        _read_exactly(raw, len(MAGIC))
        yield MAGIC
        for token in raw_tokens(raw):
            new_token = multi.rotate(token)
            yield _LENGTH.pack(len(new_token)) + new_token


def rotate_files(
    storage: Storage, primary: Fernet, prefixes=("wizard", "submissions"), *, dry_run=False
) -> FileReport:
    """Re-encrypt files under the first key; encrypt plain ones; set private modes."""
    inner = storage.inner if isinstance(storage, EncryptedStorage) else storage
    multi = fernet()
    report = FileReport()
    for prefix in prefixes:
        for name in list(_walk(inner, prefix)):
            if name.endswith(".rotating"):
                continue
            try:
                state = _state(inner, name, primary)
                if state == "current":
                    report.current += 1
                elif state == "stale":
                    if not dry_run:
                        _rewrite(inner, name, _rotated_pieces(inner, name, multi))
                    report.rotated += 1
                else:
                    if not dry_run:
                        with inner.open(name, "rb") as plain:
                            _rewrite(inner, name, encrypted_records(plain, multi))
                    report.encrypted += 1
            except (InvalidToken, FileNotFoundError):
                report.unreadable += 1
    if not dry_run:
        _tighten_modes(inner, prefixes)
    return report


def _tighten_modes(storage: Storage, prefixes) -> None:
    """Folders and files created before the private modes: owner only."""
    try:
        root = storage.path("")
    except NotImplementedError:
        return
    for prefix in prefixes:
        top = os.path.join(root, prefix)
        for directory, _dirs, files in os.walk(top):
            os.chmod(directory, DIRECTORY_MODE)
            for file_name in files:
                os.chmod(os.path.join(directory, file_name), FILE_MODE)
    if os.path.isdir(root):
        os.chmod(root, DIRECTORY_MODE)
