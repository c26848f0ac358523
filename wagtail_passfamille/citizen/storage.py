"""The wizard's storage: the session, encrypted, with an idle lifetime.

Wizard data hold what citizens typed (names, birth dates) and, with certified-data blocks,
identities and fetched values. They are kept server-side in the session, encrypted with the app's
Fernet keys, and expire after ``WAGTAIL_PASSFAMILLE_WIZARD_LIFETIME`` seconds without activity
(Fernet tokens carry their creation time, refreshed on every write).
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.http import http_date
from formtools.wizard.storage.base import BaseStorage

from wagtail_passfamille.citizen.uploads import KNOWN_TYPES, DetectedType
from wagtail_passfamille.citizen.wizard_data import remove_item_files
from wagtail_passfamille.conf import get_setting
from wagtail_passfamille.security.crypto import (
    InvalidToken,
    decrypt_payload,
    encrypt_payload,
    json_payload,
    token_timestamp,
)


class EncryptedSessionStorage(BaseStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._data = None
        self._discarded = False
        self._loaded = None  # the data as read, to write the session only when they change
        self._token_age = None
        token = self.request.session.get(self.prefix)
        #: the instance never existed in this session, or it expired: callers say so.
        self.found = False
        self.expired = False
        if token:
            try:
                self._loaded = decrypt_payload(token, ttl=get_setting("WIZARD_LIFETIME"))
                self._data = json.loads(self._loaded)
                self.found = True
                self._token_age = time.time() - token_timestamp(token)
            except (InvalidToken, ValueError, TypeError):
                self.expired = True
        if self._data is None:
            self.init_data()

    def _get_data(self):
        # formtools mutates the returned dict in place: changes are found at the end.
        return self._data

    def _set_data(self, value):
        self._data = value

    data = property(_get_data, _set_data)

    def get_step_files(self, step):
        """The step's files, reopened; a file removed meanwhile (cleanup) is simply absent.

        Every stored file passed ``validate_upload`` before it was stored: the files carry
        their detected type so that re-validating a step does not decode images again.
        """

        stored = self.data[self.step_files_key].get(step, {})
        files = {}
        for field, info in list(stored.items()):
            if (step, field) not in self._files:
                try:
                    handle = self.file_storage.open(info["tmp_name"])
                except (FileNotFoundError, OSError):
                    del stored[field]
                    continue
                details = {k: v for k, v in info.items() if k not in ("tmp_name", "active_content")}
                uploaded = UploadedFile(file=handle, **details)
                known = KNOWN_TYPES.get(uploaded.content_type)
                if known is not None:
                    uploaded.detected_type = DetectedType(
                        known.content_type, known.extension, bool(info.get("active_content"))
                    )
                    uploaded.safe_name = uploaded.name
                self._files[(step, field)] = uploaded
            files[field] = self._files[(step, field)]
        return files or None

    def set_step_files(self, step, files):
        """Store new uploads of a step, deleting the files they replace."""
        previous = self.data[self.step_files_key].get(step, {})
        for field in files or {}:
            if field in previous:
                self._tmp_files.append(previous[field]["tmp_name"])
                self._files.pop((step, field), None)
        super().set_step_files(step, files)
        # The upload check's flag of a PDF with JavaScript survives until the submission.
        for field, uploaded in (files or {}).items():
            if getattr(getattr(uploaded, "detected_type", None), "active_content", False):
                self.data[self.step_files_key][step][field]["active_content"] = True

    def remove_item_files(self, step, formset, index):
        """A group's item removed: its files are deleted, the next items' files move down."""
        stored = self.data[self.step_files_key].get(step, {})
        self._tmp_files += remove_item_files(stored, formset, index)
        self._files.clear()  # reopened under their new keys

    def discard(self):
        """Forget the instance entirely (after submission): nothing stays in the session."""
        self.reset()
        self._discarded = True
        self.request.session.pop(self.prefix, None)

    def touch(self):
        """Write the data again at the end of this request: the idle lifetime starts anew."""
        self._touched = True

    def _will_write(self, payload=None) -> bool:
        """``payload``: the data's :func:`json_payload`, when the caller has it already."""
        changed = self._loaded is None or (payload or json_payload(self._data)) != self._loaded
        # Unchanged data are written again only now and then, so that the idle lifetime
        # (the token's age) keeps counting from the citizen's last visit; a GET that changes
        # nothing then costs no session write.
        stale = self._token_age is not None and self._token_age > get_setting("WIZARD_LIFETIME") / 8
        return changed or stale or getattr(self, "_touched", False)

    def expires_at(self) -> float:
        """When the answers are erased if the citizen does nothing more (a Unix time)."""
        lifetime = get_setting("WIZARD_LIFETIME")
        if self._token_age is None or self._will_write():
            return time.time() + lifetime
        return time.time() - self._token_age + lifetime

    def update_response(self, response):
        super().update_response(response)
        if self._discarded:
            return
        payload = json_payload(self._data)
        if self._will_write(payload):
            self.request.session[self.prefix] = encrypt_payload(payload)


def session_cookie(request, response):
    """The session cookie Django's middleware sets after saving a modified session, for a
    session the wizard saved itself (and marked unmodified so that it is not written twice)."""
    if not getattr(request, "_passfamille_session_saved", False) or response.status_code >= 500:
        return
    session = request.session
    if session.get_expire_at_browser_close():
        max_age = expires = None
    else:
        max_age = session.get_expiry_age()
        expires = http_date(time.time() + max_age)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        session.session_key,
        max_age=max_age,
        expires=expires,
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
