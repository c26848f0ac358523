"""Fault injection: what the sandbox does wrong, per request or for the whole process.

A fault is written ``key=value; flag; …`` (parts separated by ``;``), in the ``X-Sandbox-Fault``
request header, ``Sandbox.set_fault()``, ``POST /__sandbox__/fault`` or ``--fault``:

``latency=200`` or ``latency=50-300``
    wait that many milliseconds (fixed, or uniformly random) before answering; the request keeps
    its in-flight lock meanwhile, so a second identical request gets 409 ``00015``.
``status=503`` (401, 403, 409, 429, 500, 502, 503, 504, 400, 404, 422…)
    answer that status with the endpoint's own error body; ``code=00103`` picks the provider code,
    ``retry_after=…`` the ``Retry-After`` header of a 429 (seconds or an HTTP-date).
``stall=20``
    send nothing for that many seconds, then answer.
``drip=0.8``
    send the whole answer, status line and headers included, one byte every 0.8 s.
``invalid_json``, ``schema``, ``empty``
    a 200 whose body is truncated JSON, JSON of the wrong shape, or nothing.
``html``
    an HTML maintenance page (503 unless ``status`` says otherwise), echoing the request line the
    way proxies do: a client must never carry it into its errors or logs.
``drop``
    close the connection without answering.
``times=2``, ``endpoint=quotient_familial`` (process faults only)
    apply to the next 2 requests, or only to that endpoint.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, replace

STATUS_CODES = frozenset({200, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Fault:
    latency_ms: tuple[float, float] | None = None
    status: int | None = None
    code: str | None = None
    retry_after: str | None = None
    stall: float | None = None
    drip: float | None = None
    invalid_json: bool = False
    schema: bool = False
    empty: bool = False
    html: bool = False
    drop: bool = False
    times: int | None = None
    endpoint: str | None = None

    def latency(self) -> float:
        """Seconds to wait for this request."""
        if self.latency_ms is None:
            return 0.0
        low, high = self.latency_ms
        return (low if low == high else random.uniform(low, high)) / 1000

    def merged(self, other: Fault | None) -> Fault:
        """``other`` (the request's header) wins over ``self`` (the process fault)."""
        if other is None:
            return self
        changes = {
            name: getattr(other, name)
            for name in self.__dataclass_fields__
            if getattr(other, name) not in (None, False)
        }
        return replace(self, **changes)


NO_FAULT = Fault()
_FLAGS = ("invalid_json", "schema", "empty", "html", "drop")


def parse_fault(text: str) -> Fault:
    """Read ``key=value; flag; …``; ValueError names the part it does not understand."""
    values: dict[str, object] = {}
    for raw in text.split(";"):  # not ",": an HTTP-date (retry_after) holds one
        part = raw.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = key.strip().lower().replace("-", "_"), value.strip()
        if key in _FLAGS and not value:
            values[key] = True
        elif key == "latency":
            low, _, high = value.partition("-")
            values["latency_ms"] = (float(low), float(high or low))
        elif key == "status":
            status = int(value)
            if status not in STATUS_CODES:
                raise ValueError(f"status {status} is not one the sandbox can force")
            values["status"] = status
        elif key in ("stall", "drip"):
            values[key] = float(value)
        elif key == "times":
            values["times"] = int(value)
        elif key in ("code", "retry_after", "endpoint") and value:
            values[key] = value
        else:
            raise ValueError(f"unknown fault {part!r}")
    if values.get("status") == 200 and not values.get("html"):
        raise ValueError("status=200 only goes with html (a maintenance page served as a 200)")
    return Fault(**values)  # type: ignore[arg-type]


class FaultPlan:
    """The process-level faults, consumed in order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def set(self, fault: Fault | None) -> None:
        with self._lock:
            self._faults = [] if fault is None else [fault]

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, endpoint: str) -> Fault:
        """The fault for one request to ``endpoint`` (NO_FAULT if none applies)."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.endpoint not in (None, endpoint):
                    continue
                if fault.times is not None:
                    if fault.times <= 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, times=fault.times - 1)
                return fault
            return NO_FAULT
