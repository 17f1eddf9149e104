"""Misbehaving HTTP servers on 127.0.0.1: every exchange has an overall deadline and a body cap, server text is
sanitised, passwords in endpoint URLs never reach a message, and an HTML page is not a successful push."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianjian import remote
from lianjian.cli import cli
from lianjian.errors import DataError, UsageError
from lianjian.namespace import sparql_prologue
from lianjian.remote import push, redact, remote_select, server_text


@contextlib.contextmanager
def raw_server(behave, lifetime: float = 10.0):
    """A one-thread TCP server on 127.0.0.1 that runs `behave(conn)` for each connection; it stops by itself."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    ends = time.monotonic() + lifetime

    def serve():
        while not stop.is_set() and time.monotonic() < ends:
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    _read_request(conn)
                    behave(conn, stop)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/query"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _read_request(conn) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head


def drip(conn, stop):
    """Headers at once, then one byte a second, for up to 8 s."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
    for _ in range(8):
        if stop.is_set():
            return
        conn.sendall(b" ")
        time.sleep(1)


def drip_headers(conn, stop):
    """The status line one byte a second: a server that never finishes its headers."""
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: yes":
        if stop.is_set():
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.5)


def stream_forever(conn, stop):
    """An endless body, as fast as the client reads, until stopped (bounded at 64 MB)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
    block = b"x" * 65536
    for _ in range(1024):
        if stop.is_set():
            return
        conn.sendall(block)


def html_ok(conn, stop):
    body = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>"
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


def hostile_error(conn, stop):
    body = b"\x1b]0;owned\x07\x1b[2J boom " + b"A" * 5000
    conn.sendall(b"HTTP/1.1 500 Oops\x1b[31m\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))


def test_a_dripping_answer_is_cut_off_at_the_deadline():
    sparql_prologue()  # warm: the clock below times the exchange, not first imports
    with raw_server(drip) as url:
        started = time.monotonic()
        with pytest.raises(DataError, match=r"no answer within 1 s \(timeout\)"):
            remote_select(url, "ASK {}", timeout=1)
        assert time.monotonic() - started < 6  # the server would go on for 8 s or more


def test_dripping_headers_are_cut_off_at_the_deadline():
    sparql_prologue()
    with raw_server(drip_headers) as url:
        started = time.monotonic()
        with pytest.raises(DataError, match=r"timeout"):
            remote_select(url, "ASK {}", timeout=1)
        assert time.monotonic() - started < 6  # the server would go on for 8 s or more


def test_an_endless_body_is_capped(monkeypatch):
    monkeypatch.setattr(remote, "MAX_BODY", 1024 * 1024)
    with raw_server(stream_forever) as url:
        with pytest.raises(DataError, match=r"over the limit of 1,048,576 bytes"):
            remote_select(url, "ASK {}", timeout=20)


def test_server_error_text_is_sanitised_and_short():
    with raw_server(hostile_error) as url:
        with pytest.raises(DataError) as caught:
            remote_select(url, "ASK {}", timeout=5)
    message = str(caught.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "\\x1b" in message and "HTTP 500" in message
    assert len(message) < 600


def test_a_200_html_page_is_not_a_successful_push(bundled_kg):
    with raw_server(html_ok) as url:
        with pytest.raises(DataError, match=r"HTML page.*push stopped"):
            push(bundled_kg, url.replace("/query", "/store"), timeout=5)


def test_password_never_printed(bundled_kg):
    runner = CliRunner()
    with raw_server(hostile_error) as url:
        secret = url.replace("http://", "http://alice:s3cr3t-pw@")
        for args in (["push", "--endpoint", secret, "--timeout", "5"],
                     ["sparql", "--endpoint", secret, "ASK {}"],
                     ["push", "--endpoint", secret.replace("/query", ":99999/x"), "--timeout", "5"]):
            result = runner.invoke(cli, args)
            assert result.exit_code == 1 or result.exit_code == 2, result.output
            assert "s3cr3t" not in result.output and "alice" not in result.output, result.output
            assert "Traceback" not in result.output


@given(user=st.text(min_size=1, max_size=12, alphabet=st.characters(min_codepoint=33, max_codepoint=0x2fff, exclude_characters="@/?#[]")),
       password=st.text(min_size=1, max_size=12, alphabet=st.characters(min_codepoint=33, max_codepoint=0x2fff, exclude_characters="@/?#[]")))
@settings(max_examples=50, deadline=None, derandomize=True)
def test_redact_removes_any_userinfo(user, password):
    url = f"http://{user}:{password}@example.org:8080/store?graph=x"
    # the whole user information becomes the mask (a password of '*' is inside the mask, not shown)
    assert redact(url) == "http://***@example.org:8080/store?graph=x"


@given(st.binary(max_size=3000))
@settings(max_examples=100, deadline=None)
def test_server_text_is_always_one_printable_short_line(body):
    line = server_text(body)
    assert "\n" not in line and len(line) <= 420
    assert all(c == " " or c == "\t" or c.isprintable() for c in line)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, 0.0])
def test_bad_timeouts_are_usage_errors(value):
    with pytest.raises(UsageError, match="--timeout"):
        remote_select("http://127.0.0.1:9/query", "ASK {}", timeout=value)


@pytest.mark.parametrize("value", ["nan", "-3", "inf"])
def test_bad_timeouts_on_the_command_line(value):
    result = CliRunner().invoke(cli, ["push", "--endpoint", "http://127.0.0.1:9/store", "--timeout", value])
    assert result.exit_code == 2 and "--timeout" in result.output and "Traceback" not in result.output
