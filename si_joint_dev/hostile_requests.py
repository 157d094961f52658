"""Raw HTTP requests whose length is ambiguous, as an attacker sends them, and the socket helpers to
send one and read until the server closes (tests/e2e/test_http_framing.py, tests/cluster/)."""

import socket
from urllib.parse import urlsplit

REST = b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
BODY = b'{"sender": "attacker", "message": "hi"}'
HOSTILE = {
    "negative length": REST + b"Content-Length: -1\r\n\r\n" + BODY,
    "length not a number": REST + b"Content-Length: abc\r\n\r\n" + BODY,
    "two lengths": REST + b"Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY,
    "length and chunked": REST + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "chunked twice": REST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "space before the colon": REST + b"Content-Length : 5\r\n\r\n" + BODY,
    "a request hidden behind a bad one": REST + b"Content-Length: 2\r\n\r\nxxGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
}


def open_socket(url):
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def read_until_closed(sock, timeout_s=10.0):
    """Everything the server sends, and whether it closed the connection within `timeout_s`."""
    sock.settimeout(timeout_s)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received, True
            received += chunk
    except ConnectionResetError:
        return received, True
    except TimeoutError:
        return received, False
