"""Sanic 21.12 (the newest that Rasa 3.6 accepts) made stricter where it reads requests.

- A request whose head does not frame its body unambiguously (si_joint.request_framing) gets 400
  and the connection is closed, before any body is read: `Content-Length: -1` made Sanic's body
  reader loop for ever and stop the whole server.
- After a 400, 408, 411, 413 or 431 the connection is closed, so bytes left over from a rejected
  request are never read as a request of their own.
- A request trickled in a byte at a time gets 408 and is closed once its deadline passes.

Both the Rasa server and the action server call `install()` before they start.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Optional

from si_joint.request_framing import framing_problem

CLOSE_AFTER = frozenset({400, 408, 411, 413, 431})
# Sanic's own request timeout starts again with every byte received, so a client sending a byte
# every few seconds held a connection for ever: the head must arrive within HEAD_DEADLINE_S, and
# the whole request (head and body) within REQUEST_DEADLINE_S.
HEAD_DEADLINE_S = 10.0
REQUEST_DEADLINE_S = 30.0


def install() -> None:
    """Makes Sanic's HTTP/1.1 connections use StrictHttp. A subclass, not patched methods: Sanic
    recompiles `Http`'s own methods from their source at start-up ("touchup")."""
    from sanic.server.protocols import http_protocol

    http_protocol.Http = strict_http_class()  # type: ignore[misc,assignment]


@lru_cache(maxsize=1)
def strict_http_class() -> type:
    from sanic.exceptions import InvalidUsage, RequestTimeout
    from sanic.http import Http

    class StrictHttp(Http):
        __slots__ = ("deadline",)  # Sanic's classes keep no instance dictionary

        async def http1_request_header(self) -> None:
            self.deadline = asyncio.get_running_loop().time() + REQUEST_DEADLINE_S
            try:
                head = await asyncio.wait_for(whole_head(self), HEAD_DEADLINE_S)
            except asyncio.TimeoutError:
                self.keep_alive = False
                raise RequestTimeout("Request Timeout") from None
            problem = framing_problem(head) if head is not None else None
            if problem:
                self.keep_alive = False
                raise InvalidUsage(f"Bad Request: {problem}")
            await super().http1_request_header()

        async def read(self) -> Optional[bytes]:
            remaining = getattr(self, "deadline", 0) - asyncio.get_running_loop().time()
            try:
                return await asyncio.wait_for(super().read(), max(remaining, 0.001))
            except asyncio.TimeoutError:
                self.keep_alive = False
                raise RequestTimeout("Request Timeout") from None

        async def http1_response_header(self, data: bytes, end_stream: bool) -> None:
            if getattr(self.response, "status", None) in CLOSE_AFTER:
                self.keep_alive = False
            await super().http1_response_header(data, end_stream)

    return StrictHttp


async def whole_head(http) -> Optional[bytes]:
    """The request head once it is all in the buffer, as Sanic's own reader waits for it; None
    when it is too long (Sanic then answers 431 itself)."""
    buffer, position = http.recv_buffer, 0
    while True:
        position = buffer.find(b"\r\n\r\n", position)
        if position != -1:
            return bytes(buffer[:position])
        position = max(0, len(buffer) - 3)
        if position >= http.HEADER_MAX_SIZE:
            return None
        await http._receive_more()
