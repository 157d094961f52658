"""Whether an HTTP/1.1 request head says unambiguously where its body ends.

A server and a proxy in front of it must agree on where each request ends; where they might not
(request smuggling) or where the server's own parser would loop (Sanic 21.12 spins for ever on
`Content-Length: -1`), the request is refused before any body is read. Refused: a Content-Length
that is not a plain decimal number, more than one Content-Length, more than one Transfer-Encoding
or one that is not exactly `chunked`, both headers together, a header folded over two lines, and
a header name with spaces or no colon.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

_TOKEN = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_DECIMAL = re.compile(rb"^[0-9]{1,15}$")


def framing_problem(head: bytes) -> Optional[str]:
    """Why the request head `head` (request line and headers, without the blank line) cannot be
    trusted to frame its body, or None."""
    lines = head.split(b"\r\n")[1:]
    headers: List[Tuple[bytes, bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            return "a header folded over two lines"
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.match(name):
            return "a malformed header line"
        headers.append((name.lower(), value.strip(b" \t")))
    lengths = [value for name, value in headers if name == b"content-length"]
    encodings = [value for name, value in headers if name == b"transfer-encoding"]
    if len(lengths) > 1:
        return "more than one Content-Length"
    if lengths and not _DECIMAL.match(lengths[0]):
        return "a Content-Length that is not a number"
    if len(encodings) > 1 or (encodings and encodings[0].lower() != b"chunked"):
        return "a Transfer-Encoding other than one 'chunked'"
    if lengths and encodings:
        return "both Content-Length and Transfer-Encoding"
    return None
