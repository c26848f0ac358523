"""The sandbox's answers without a server: a ``requests`` adapter serving them in process.

Editors' previews with test families go through the real clients and this adapter: no socket,
no quota spent, nothing sent anywhere. Faults, statistics and in-flight locks are left out.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from ..api_particulier.deadline import DeadlineAdapter
from .answers import Accepted, Request
from .server import route
from .state import SandboxState

BASE_URL = "http://sandbox.invalid"


class InProcessAdapter(DeadlineAdapter):
    """Answers like the sandbox server would (a DeadlineAdapter so clients keep it mounted)."""

    def __init__(self) -> None:
        super().__init__()
        self.state = SandboxState()

    def send(self, request, **kwargs):
        target = urlsplit(request.url)
        body = request.body or b""
        sandbox_request = Request(
            method=request.method,
            path=target.path,
            query=tuple(parse_qsl(target.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body.encode() if isinstance(body, str) else body,
        )
        _endpoint, _family, handler = route(sandbox_request.path)
        answer = handler(self.state, sandbox_request)
        if isinstance(answer, Accepted):
            answer = answer.respond().with_headers(*answer.headers)
        response = requests.Response()
        response.status_code = answer.status
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        if answer.content_type:
            response.headers["Content-Type"] = answer.content_type
        response.headers["X-Request-Id"] = f"apercu-{uuid.uuid4()}"
        response._content = answer.body
        response._content_consumed = True
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response


def inprocess_session() -> requests.Session:
    session = requests.Session()
    session.mount(BASE_URL + "/", InProcessAdapter())
    return session
