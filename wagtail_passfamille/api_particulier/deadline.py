"""A wall-clock deadline for each call, enforced on every socket read.

A read timeout alone is not a deadline: it restarts on every chunk, so an upstream dripping a byte
every 0.8 s holds a worker for as long as it likes (reliability A7, F2). Here every socket read of
a call gets the time left before the call's wall-clock deadline as its timeout, headers included;
the call ends at the deadline whatever the upstream does. This is done by a requests adapter
(DeadlineAdapter) whose connections wrap the socket they read the response from.
"""

from __future__ import annotations

import http.client
import io
import math
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


@dataclass(frozen=True)
class Timeout:
    """Seconds allowed to open the connection, and for the whole call (all attempts included)."""

    connect: float = 3.0
    deadline: float = 6.0

    def __post_init__(self) -> None:
        for value in (self.connect, self.deadline):
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError("timeouts must be positive numbers of seconds")


# -- Deadline enforcement -------------------------------------------------------------------------
class _CallState(threading.local):
    deadline: float | None = None
    label: str | None = None


call_state = _CallState()


class _DeadlineReader(io.RawIOBase):
    """Reads the socket through its own file object, each read bounded by the time left."""

    def __init__(self, sock: Any, deadline: float) -> None:
        super().__init__()
        self._sock = sock
        # The socket's own raw file keeps http.client's reference counting: a connection closed
        # while its response is still being read keeps the descriptor open until we are done.
        self._file = sock.makefile("rb", buffering=0)
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("call deadline exceeded")
        self._sock.settimeout(remaining)
        return self._file.readinto(buffer)

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


class _DeadlineSocket:
    """What http.client's response sees as its socket: only ``makefile`` is used."""

    def __init__(self, sock: Any, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _DeadlineHTTPResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, debuglevel: int = 0, method: str | None = None, url: Any = None):
        deadline = call_state.deadline
        if deadline is not None:
            sock = _DeadlineSocket(sock, deadline)
        super().__init__(sock, debuglevel, method, url)


class _DeadlineHTTPConnection(HTTPConnection):
    response_class = _DeadlineHTTPResponse


class _DeadlineHTTPSConnection(HTTPSConnection):
    response_class = _DeadlineHTTPResponse


class _DeadlineHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


_POOL_CLASSES = {"http": _DeadlineHTTPConnectionPool, "https": _DeadlineHTTPSConnectionPool}


class DeadlineAdapter(HTTPAdapter):
    """A requests adapter whose responses honour the call deadline of our clients.

    Outside our clients' calls it behaves as a plain HTTPAdapter. Mount your own instance (with
    your pool size) on an injected session; the clients mount a default one when it is missing.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager


def ensure_deadline_adapter(session: requests.Session, url: str) -> None:
    """Mount a DeadlineAdapter for ``url``'s origin unless the session already has one for it."""
    if isinstance(session.get_adapter(url), DeadlineAdapter):
        return
    parts = urlsplit(url)
    session.mount(f"{parts.scheme}://{parts.netloc}/", DeadlineAdapter())


def new_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", DeadlineAdapter())
    session.mount("http://", DeadlineAdapter())
    return session
