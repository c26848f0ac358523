"""The wizard's storage: the session, encrypted, with an idle lifetime.

Wizard data hold what citizens typed (names, birth dates) and, with certified-data blocks,
identities and fetched values. They are kept server-side in the session, encrypted with the app's
Fernet keys, and expire after ``WAGTAIL_PASSFAMILLE_WIZARD_LIFETIME`` seconds without activity
(Fernet tokens carry their creation time, refreshed on every write).
"""

from __future__ import annotations

from formtools.wizard.storage.base import BaseStorage

from .conf import get_setting
from .crypto import InvalidToken, decrypt_json, encrypt_json


class EncryptedSessionStorage(BaseStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._data = None
        self._dirty = False
        self._discarded = False
        token = self.request.session.get(self.prefix)
        #: the instance never existed in this session, or it expired: callers say so.
        self.found = False
        self.expired = False
        if token:
            try:
                self._data = decrypt_json(token, ttl=get_setting("WIZARD_LIFETIME"))
                self.found = True
            except (InvalidToken, ValueError, TypeError):
                self.expired = True
        if self._data is None:
            self.init_data()

    def _get_data(self):
        # formtools mutates the returned dict in place: assume every access may write.
        self._dirty = True
        return self._data

    def _set_data(self, value):
        self._data = value
        self._dirty = True

    data = property(_get_data, _set_data)

    def discard(self):
        """Forget the instance entirely (after submission): nothing stays in the session."""
        self.reset()
        self._discarded = True
        self.request.session.pop(self.prefix, None)

    def update_response(self, response):
        super().update_response(response)
        if self._discarded:
            return
        if self._dirty:
            self.request.session[self.prefix] = encrypt_json(self._data)
