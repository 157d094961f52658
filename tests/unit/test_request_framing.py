"""Request heads whose body length is ambiguous are refused (si_joint/request_framing.py)."""

import pytest

from si_joint.request_framing import framing_problem

LINE = b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x"


def head(headers):
    return LINE + (b"\r\n" + headers if headers else b"")


@pytest.mark.parametrize(
    "headers",
    [
        b"Content-Length: 12",
        b"Content-Length:12",
        b"Transfer-Encoding: chunked",
        b"Transfer-Encoding: Chunked",
        b"",
        b"Content-Type: application/json\r\nContent-Length: 0",
    ],
)
def test_plain_framing_is_accepted(headers):
    assert framing_problem(head(headers)) is None


@pytest.mark.parametrize(
    "headers, problem",
    [
        (b"Content-Length: -1", "not a number"),
        (b"Content-Length: +5", "not a number"),
        (b"Content-Length: 0x10", "not a number"),
        (b"Content-Length: 1 2", "not a number"),
        (b"Content-Length: ", "not a number"),
        (b"Content-Length: 99999999999999999999", "not a number"),
        (b"Content-Length: 5\r\nContent-Length: 5", "more than one"),
        (b"Content-Length: 5\r\nContent-Length: 7", "more than one"),
        (b"Content-Length: 5, 7", "not a number"),
        (b"Content-Length: 5\r\nTransfer-Encoding: chunked", "both"),
        (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", "Transfer-Encoding"),
        (b"Transfer-Encoding: gzip, chunked", "Transfer-Encoding"),
        (b"Transfer-Encoding: xchunked", "Transfer-Encoding"),
        (b"Content-Length : 5", "malformed"),
        (b"Content-Length\t: 5", "malformed"),
        (b"no colon here", "malformed"),
        (b"X-One: a\r\n folded: b", "folded"),
    ],
)
def test_ambiguous_framing_is_refused(headers, problem):
    assert problem in (framing_problem(head(headers)) or "")
