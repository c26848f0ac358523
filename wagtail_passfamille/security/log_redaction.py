"""Server errors logged with their traceback but without personal data.

A 500 must leave a trace an operator can act on (where it failed) without copying what a
citizen typed into the logs: exception messages may quote a value (an e-mail address in an
IntegrityError, an identity in a ValueError), and a request path may hold a capability token
(the « à compléter » link). :class:`RedactedErrors` replaces each exception of the chain by its
type and the frames' file, line and function (tracebacks never carry locals here: nothing
renders them), and shortens long tokens in messages. Use it on every handler of the production
``LOGGING`` (the demo's ``site/demo/settings/production.py``).
"""

from __future__ import annotations

import logging
import re
import traceback

#: Long runs of token characters (signed links, wizard instances, keys) in a log message.
_TOKEN = re.compile(r"[A-Za-z0-9_\-:.=]{24,}")


def redact_text(text: str) -> str:
    return _TOKEN.sub("[…]", text)


def redacted_traceback(error: BaseException) -> str:
    """The traceback of ``error`` and of its causes, with frames only and no messages."""
    parts, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = "".join(traceback.format_tb(error.__traceback__))
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        parts.append(f"Traceback (most recent call last):\n{frames}{kind}: (message redacted)")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n\nDuring the handling of the above, or caused by:\n".join(reversed(parts))


class RedactedErrors(logging.Filter):
    """Logging filter: redacted traceback, message and arguments of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its template only
            message = str(record.msg)
        record.msg, record.args = redact_text(message), ()
        return True
