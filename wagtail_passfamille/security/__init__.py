"""Security mechanisms shared by every front door.

Owns encryption at rest and keyed hashes (``crypto``), the agents' session idle timeout and
second factor (``admin_session``), the client IP behind trusted proxies (``client_ip``),
fixed-window throttles (``throttle``) in the counters' cache (``cache``, which also holds the
fault-tolerant Redis cache), the upload limits acting before Django reads a body
(``upload_limits``) and the redaction of logged errors (``log_redaction``).

May import: ``conf`` and the pure packages only; it holds no model, so that models, services
and every front door can use it.
"""
