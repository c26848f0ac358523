"""The sandbox's HTTP server: routing, shared state, faults, statistics, buffered writes.

One ``ThreadingHTTPServer`` (stdlib, no Django) on a loopback port. Every answer is assembled and
written in one piece: a stub that writes its headers and its body separately adds about 40 ms per
call through Nagle's algorithm and delayed ACKs (reliability A7), which would spoil benchmarks.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import cases, franceconnect, impot, particulier
from .answers import Accepted, Answer, Request, forced, json_answer
from .faults import Fault, parse_fault
from .franceconnect import FranceConnect
from .impot import OAuthClient
from .state import Received, SandboxState, SandboxStats, france_connect_tokens
from .tokens import DGFIP_SCOPES, TokenInfo

CONTROL_PREFIX = "/__sandbox__"
MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html lang=fr><head><title>Maintenance</title></head><body>"
    "<h1>Service en maintenance</h1><p>La requête {target} n'a pas pu aboutir.</p></body></html>"
)

Handler = Callable[["SandboxState", Request], Answer | Accepted]


# -- Routing --------------------------------------------------------------------------------------
_FAMILY = {
    "quotient_familial": "v3",
    "quotient_familial_france_connect": "v3",
    "unsupported_version": "v3",
    "composition_familiale_v2": "v2",
    "introspect": "v2",
}
_PATHS: dict[str, tuple[str, Handler]] = {
    "/v3/dss/quotient_familial/identite": (
        "quotient_familial",
        particulier.quotient_familial_identite,
    ),
    "/v3/dss/quotient_familial/france_connect": (
        "quotient_familial_france_connect",
        particulier.quotient_familial_france_connect,
    ),
    "/api/v2/composition-familiale-v2": (
        "composition_familiale_v2",
        particulier.composition_familiale_v2,
    ),
    "/api/introspect": ("introspect", particulier.introspect),
    "/api/cnaf_msa_quotient_familial/ping": ("ping", particulier.qf_ping),
    "/api/pings": ("pings", particulier.pings),
    "/api/ping": ("api_ping", particulier.api_ping),
    **{path: ("retired", particulier.retired) for path in particulier.RETIRED},
    **{path: ("dgfip_token", impot.token) for path in impot.TOKEN_PATHS},
}
# FranceConnect's own paths (the stand-in), after FranceConnect's route names.
_FC_PATHS: dict[str, tuple[str, Callable[[FranceConnect, Request], Answer]]] = {
    "/.well-known/openid-configuration": ("fc_discovery", FranceConnect.discovery),
    "/authorize": ("fc_authorize", FranceConnect.authorize),
    "/interaction": ("fc_interaction", FranceConnect.interaction),
    "/token": ("fc_token", FranceConnect.token),
    "/userinfo": ("fc_userinfo", FranceConnect.userinfo),
    "/jwks": ("fc_jwks", FranceConnect.jwks),
    "/session/end": ("fc_session_end", FranceConnect.session_end),
    "/token/revocation": ("fc_revocation", FranceConnect.revocation),
    "/checktoken": ("fc_checktoken", FranceConnect.checktoken),
}
for _path, (_endpoint, _method) in _FC_PATHS.items():
    _PATHS[franceconnect.PREFIX + _path] = (
        _endpoint,
        lambda state, request, method=_method: method(state.franceconnect, request),
    )


def route(path: str) -> tuple[str, str, Handler]:
    """(endpoint name, error family, handler) for a path."""
    if path in _PATHS:
        endpoint, handler = _PATHS[path]
        return (
            endpoint,
            _FAMILY.get(endpoint, "dgfip" if endpoint == "dgfip_token" else "plain"),
            handler,
        )
    found = impot.route(path)
    if found:
        endpoint, groups = found
        return (
            endpoint,
            "dgfip",
            lambda state, request: impot.situation(state, request, endpoint, groups),
        )
    if path.startswith("/v") and path.endswith(
        ("/dss/quotient_familial/identite", "/dss/quotient_familial/france_connect")
    ):
        return "unsupported_version", "v3", particulier.unsupported_version
    return "unknown", "plain", lambda state, request: json_answer(404, {"error": "not_found"})


# -- The HTTP handler -----------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "passfamille-sandbox"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:  # the path only: the query string holds identities
            self.server.log(f"{self.command} {urlsplit(self.path).path}")

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_DELETE = do_GET

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=target.path,
            query=tuple(parse_qsl(target.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        if request.path.startswith(CONTROL_PREFIX):
            self._write(self.server.sandbox.control(request))
            return
        endpoint, family, handler = route(request.path)
        state = self.server.state
        received = Received(request.method, request.path, target.query, request.headers, endpoint)
        epoch, interrupt = state.started(received)
        done = False

        def finish(status: int | None) -> None:
            # Counted before the answer is written: a client reading the statistics right after
            # its answer must find it there.
            nonlocal done
            if not done:
                done = True
                state.finished(endpoint, status, epoch)

        try:
            self._answer(state, request, endpoint, family, handler, epoch, interrupt, finish)
        finally:
            finish(None)

    def _answer(
        self,
        state: SandboxState,
        request: Request,
        endpoint: str,
        family: str,
        handler: Handler,
        epoch: int,
        interrupt: threading.Event,
        finish: Callable[[int | None], None],
    ) -> None:
        header = request.header("x-sandbox-fault")
        try:
            fault = state.faults.take(endpoint).merged(parse_fault(header) if header else None)
        except ValueError as error:
            finish(400)
            self._write(json_answer(400, {"error": "bad_fault", "detail": str(error)}))
            return
        if fault.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.stall and interrupt.wait(fault.stall):
            self.close_connection = True  # stopped while stalling: no answer at all
            return
        result = handler(state, request)
        if isinstance(result, Answer):
            interrupt.wait(fault.latency())
            answer = result
        elif not state.acquire(result.lock_key, epoch):
            answer = forced(family, 409, None).with_headers(*result.headers)
        else:
            try:  # the lock is held while the request is "processed", latency included
                interrupt.wait(fault.latency())
                answer = result.respond().with_headers(*result.headers)
            finally:
                state.release(result.lock_key, epoch)
        answer = _apply(fault, family, answer, self.path)
        finish(answer.status)
        self._write(answer, drip=fault.drip, interrupt=interrupt)

    def _write(
        self, answer: Answer, drip: float | None = None, interrupt: threading.Event | None = None
    ) -> None:
        reason = (
            HTTPStatus(answer.status).phrase
            if answer.status in HTTPStatus._value2member_map_
            else ""
        )
        lines = [f"HTTP/1.1 {answer.status} {reason}"]
        if answer.content_type:
            lines.append(f"Content-Type: {answer.content_type}")
        lines += [f"{name}: {value}" for name, value in answer.headers]
        lines.append(f"X-Request-Id: {uuid.uuid4()}")
        lines.append(f"Content-Length: {len(answer.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + answer.body
        try:
            if drip:
                for index in range(len(data)):
                    self.wfile.write(data[index : index + 1])
                    if interrupt is not None and interrupt.wait(drip):
                        break
            else:
                self.wfile.write(data)  # one write: see the module docstring
        except OSError:  # the client went away (deadline, drop): nothing to do
            self.close_connection = True


def _apply(fault: Fault, family: str, answer: Answer, target: str) -> Answer:
    """The body faults, replacing the endpoint's answer."""
    if fault.html:
        page = MAINTENANCE_PAGE.format(target=target)
        return Answer(fault.status or 503, page.encode(), "text/html; charset=utf-8")
    if fault.status:
        result = forced(family, fault.status, fault.code)
        if fault.status == 429:
            result = result.with_headers(("Retry-After", fault.retry_after or "1"))
        return result
    if fault.invalid_json:
        return Answer(200, b'{"data": {"quotient_familial": {"fournisseur": "CN')
    if fault.schema:
        return json_answer(
            200, {"data": {"quotient_familial": {"fournisseur": "CAF", "valeur": "x"}}}
        )
    if fault.empty:
        return Answer(200, b"")
    return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold stop() back
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = sandbox.state
        self.verbose = sandbox.verbose
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_all(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def log(self, line: str) -> None:
        print(f"[sandbox] {line}", flush=True)  # noqa: T201 - the sandbox's console


class Sandbox:
    """A running sandbox (see the package docstring); a context manager."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tokens: Mapping[str, TokenInfo] | None = None,
        verbose: bool = False,
        fc_redirect_uris: Iterable[str] | None = None,
        fc_logout_uris: Iterable[str] | None = None,
    ) -> None:
        fc = FranceConnect(
            franceconnect.DEFAULT_REDIRECT_URIS if fc_redirect_uris is None else fc_redirect_uris,
            franceconnect.DEFAULT_LOGOUT_URIS if fc_logout_uris is None else fc_logout_uris,
        )
        self.state = SandboxState(extra_tokens=dict(tokens or {}), franceconnect=fc)
        self.verbose = verbose
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None
        fc.issuer = self.url + franceconnect.PREFIX

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    @property
    def impot_url(self) -> str:
        """Base URL of the API Impôt particulier routes."""
        return self.url + impot.BASE_PATH

    @property
    def token_url(self) -> str:
        return self.url + impot.TOKEN_PATHS[0]

    @property
    def franceconnect(self) -> FranceConnect:
        """The FranceConnect stand-in (issuer ``fc_issuer``; move its ``clock`` in tests)."""
        return self.state.franceconnect

    @property
    def fc_issuer(self) -> str:
        return self.state.franceconnect.issuer

    @property
    def stats(self) -> SandboxStats:
        return self.state.stats()

    @property
    def received(self) -> list[Received]:
        return list(self.state.received)

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="passfamille-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.interrupt.set()  # stalls, drips and latencies end now
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self if self._thread else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        self.state.reset()

    def add_case(self, folder: str, file: str, params, status: int, payload: str) -> None:
        """Serve one more staging case (its YAML's ``params``, ``status`` and ``payload``)
        until the next reset(): an official case the packaged data file does not have yet."""
        case = cases.Case(folder, file, "", dict(params), status, payload.encode("utf-8"))
        self.state.extra_cases.setdefault(folder, []).append(case)

    def set_fault(self, fault: str | Fault | None) -> None:
        """Apply ``fault`` to the following requests (``times=``/``endpoint=`` narrow it)."""
        self.state.faults.set(parse_fault(fault) if isinstance(fault, str) else fault)

    def add_fault(self, fault: str | Fault) -> None:
        """Queue another process fault after the current ones (used in order)."""
        self.state.faults.add(parse_fault(fault) if isinstance(fault, str) else fault)

    def set_ping(self, status: str) -> None:
        if status not in ("ok", "bad_gateway", "maintenance", "unknown"):
            raise ValueError(status)
        self.state.ping_status = status

    def revoke_dgfip_tokens(self) -> None:
        """Invalidate the DGFiP access tokens issued so far (a client must fetch a new one)."""
        self.state.revoke_access_tokens()

    def blacklist(self, token: str) -> None:
        self.state.blacklist.add(token)

    def add_token(self, token: str, info: TokenInfo) -> None:
        """Accept an opaque ``token`` (sandbox JWTs from make_token need no registration)."""
        self.state.extra_tokens[token] = info

    def add_oauth_client(
        self,
        client_id: str,
        secret: str,
        scopes: Iterable[str] = DGFIP_SCOPES,
        *,
        expires_in: int = 3600,
    ) -> None:
        self.state.oauth_clients[client_id] = OAuthClient(secret, frozenset(scopes), expires_in)

    def control(self, request: Request) -> Answer:
        """``/__sandbox__/``: stats, reset, faults and ping status over HTTP (for ``make demo``)."""
        action = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            if action == "stats":
                return json_answer(200, self.stats.to_dict())
            if action == "reset" and request.method == "POST":
                self.reset()
            elif action == "fault" and request.method == "POST":
                self.set_fault(request.body.decode("utf-8").strip() or None)
            elif action == "fault" and request.method == "DELETE":
                self.set_fault(None)
            elif action == "ping" and request.method == "POST":
                self.set_ping(request.body.decode("utf-8").strip())
            elif action == "":
                return json_answer(200, _index())
            else:
                return json_answer(404, {"error": "unknown control"})
        except ValueError as error:
            return json_answer(400, {"error": str(error)})
        return json_answer(200, {"ok": True})


def _index() -> dict[str, Any]:
    """What the sandbox serves: its cases (identities to type) and how to drive it."""
    books = {**cases.staging(), cases.IMPOT_FOLDER: cases.households().book}
    return {
        "cases": {
            folder: [{"case": c.name, "status": c.status, "params": c.params} for c in book.cases]
            for folder, book in books.items()
        },
        "france_connect_tokens": sorted(france_connect_tokens()),
        "controls": ["GET stats", "POST reset", "POST fault", "DELETE fault", "POST ping"],
    }


def start_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tokens: Mapping[str, TokenInfo] | None = None,
    verbose: bool = False,
    fc_redirect_uris: Iterable[str] | None = None,
    fc_logout_uris: Iterable[str] | None = None,
) -> Sandbox:
    """Start a sandbox in a background thread (``port=0``: a free port) and return it."""
    return Sandbox(
        host,
        port,
        tokens=tokens,
        verbose=verbose,
        fc_redirect_uris=fc_redirect_uris,
        fc_logout_uris=fc_logout_uris,
    ).start()
