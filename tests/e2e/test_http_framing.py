"""Requests whose length is ambiguous are refused before their body is read, and the connection is
closed after a 400 (serving/strict_http.py): `Content-Length: -1` once made the Rasa server spin for
ever, and bytes after a rejected request were answered as a request of their own. Each raw request
is sent over a socket left open, and meanwhile another patient must be answered at once."""

import time

import pytest

from si_joint_dev.hostile_requests import HOSTILE, open_socket, read_until_closed
from si_joint_dev.running_assistant import reply_text
from tests import ARTIFACTS


def answer_time(assistant):
    started = time.monotonic()
    reply = reply_text(assistant.conversation().say("what is the SI joint"))
    assert "sacroiliac" in reply.lower()
    return time.monotonic() - started


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_an_ambiguous_request_gets_400_and_closes_and_others_are_answered_meanwhile(assistant, name):
    quiet = min(answer_time(assistant) for _ in range(3))
    with open_socket(assistant.rasa_url) as attacker:
        attacker.sendall(HOSTILE[name])
        during = answer_time(assistant)
        received, closed = read_until_closed(attacker)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with (ARTIFACTS / "hostile_request_times.txt").open("a", encoding="utf-8") as record:
        record.write(f"{name}: another patient answered in {during:.3f} s (quiet: {quiet:.3f} s)\n")
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert received.count(b"HTTP/1.1 ") == 1, received  # nothing after the 400 was answered
    assert closed, "the connection stayed open after the 400"
    assert during < max(4 * quiet, quiet + 2.0), (quiet, during)


def test_the_action_server_refuses_a_negative_length_too(assistant):
    with open_socket(assistant.actions_url) as attacker:
        attacker.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}")
        received, closed = read_until_closed(attacker)
    assert received.startswith(b"HTTP/1.1 400") and closed, received[:200]
    with open_socket(assistant.actions_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received, _ = read_until_closed(sock)
    assert received.startswith(b"HTTP/1.1 200")


def test_plain_requests_still_keep_their_connection(assistant):
    with open_socket(assistant.rasa_url) as sock:
        for _ in range(2):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(10)
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", b"501"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"404"),
    ],
)
def test_every_response_of_the_demo_server_carries_the_security_headers(assistant, request_bytes, status):
    with open_socket(assistant.demo_url) as sock:
        sock.sendall(request_bytes)
        received, _ = read_until_closed(sock)
    head = received.split(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.") and status in head.split(b"\r\n")[0], head[:200]
    assert b"content-security-policy:" in head and b"x-content-type-options: nosniff" in head


def test_a_request_trickled_a_byte_at_a_time_is_closed_at_its_deadline(assistant):
    """Sanic's own timeout restarts with every byte, so this held a connection for ever."""
    from serving.strict_http import HEAD_DEADLINE_S

    head = b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100
    started = time.monotonic()
    with open_socket(assistant.rasa_url) as attacker:
        closed_after = None
        for byte in head:
            try:
                attacker.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
            attacker.settimeout(0.5)
            try:
                answer = attacker.recv(65536)
            except TimeoutError:
                continue
            closed_after = time.monotonic() - started
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:100]
            break
        assert closed_after is not None and closed_after < HEAD_DEADLINE_S + 5, closed_after
    assert answer_time(assistant) < 5
