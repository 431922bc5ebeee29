# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A local OpenAI-compatible chat server for tests and benchmarks.

Standard library only and no Odoo import: the pure-Python tests, the
benchmarks and the Odoo tests all use it to point the ``openai`` SDK at
127.0.0.1 instead of the network::

    with OpenAIServer(reply="- Recommendation: ...", latency=0.2) as server:
        settings = OpenAISettings(api_key="sk-test", model="m", base_url=server.base_url)
        ...
    server.requests      # every request body received, parsed JSON
    server.max_in_flight # the most requests it ever held at once

Behaviour is set by attributes that may also be changed while it runs:
``reply`` (text, or a callable ``body -> text``), ``latency`` (seconds before
answering), ``status`` (an HTTP error status such as 500, answered with
``error_message`` and, when set, the OpenAI error ``error_code`` such as
``insufficient_quota``), ``malformed`` (a 200 whose body is not JSON), ``stall``
(never answer until the server stops), ``response`` (a dict, or a callable
``body -> dict``, replacing the whole completion, e.g. ``{"choices": []}``),
``trickle`` (seconds between bytes: the headers go at once, then the body
one byte per interval, so every read of the client gets something in time).
``ssl_context`` (a server-side ``ssl.SSLContext``) serves over TLS instead.

A request counts as in flight from its arrival until it is answered or the
client hangs up (a client that times out is noticed within ~20 ms), so the
counters say what the client side still holds open.
"""

import json
import select
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHAT_PATHS = ("/v1/chat/completions", "/chat/completions")
POLL_SECONDS = 0.02


@dataclass
class CallRecord:
    """One chat request as the server saw it (times from ``time.monotonic()``)."""

    index: int
    path: str
    body: object
    authorization: str
    client_port: int
    started: float
    ended: float | None = None
    outcome: str = "pending"  # replied, error, client_gone, stopped
    reply: str | None = None
    extra: dict = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: with Nagle + delayed ACK that costs ~40 ms.
    disable_nagle_algorithm = True
    # Idle keep-alive connections of clients that were never closed end by themselves.
    timeout = 30

    def do_POST(self):  # noqa: N802 - http.server naming
        """Serve a chat completion according to the owner's settings."""
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.split("?", 1)[0] not in CHAT_PATHS:
            self._send_json(404, {"error": {"message": "Unknown path", "type": "not_found"}})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        owner.handle(self, body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Stay silent: tests and benchmarks print their own figures."""

    def _send_json(self, status, payload):
        self.send_raw(status, json.dumps(payload).encode())

    def send_raw(self, status, data):
        self.send_headers(status, len(data))
        self.wfile.write(data)

    def send_headers(self, status, length):
        """Status line and headers of a JSON answer of ``length`` bytes."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.flush()

    def client_gone(self):
        """True once the client closed its side (e.g. after its own timeout)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    owner = None
    ssl_context = None

    def finish_request(self, request, client_address):
        """Serve over TLS when a server-side ``ssl_context`` was given."""
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except OSError:
                return  # the client gave up during the handshake
        super().finish_request(request, client_address)

    def server_bind(self):
        """Bind without HTTPServer's reverse DNS lookup (slow on some hosts)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class OpenAIServer:
    """An OpenAI-compatible ``/v1/chat/completions`` endpoint on 127.0.0.1."""

    def __init__(
        self,
        *,
        reply="- Recommendation: proceed as described in the findings.",
        latency=0.0,
        status=200,
        error_message="Simulated failure",
        error_code=None,
        malformed=False,
        stall=False,
        response=None,
        trickle=0.0,
        ssl_context=None,
    ):
        self.reply = reply
        self.latency = latency
        self.status = status
        self.error_message = error_message
        self.error_code = error_code
        self.malformed = malformed
        self.stall = stall
        self.response = response
        self.trickle = trickle
        self.ssl_context = ssl_context
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._calls = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._httpd = None
        self._thread = None

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        """Listen on a free port of 127.0.0.1 and serve from a daemon thread."""
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        httpd.ssl_context = self.ssl_context
        self._httpd = httpd
        self._stopping.clear()
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="openai-test-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving; stalled requests are released (closed, unanswered)."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ------------------------------------------------------------------ figures
    @property
    def port(self):
        """The TCP port it listens on."""
        return self._httpd.server_address[1]

    @property
    def base_url(self):
        """What to give the SDK as ``base_url``."""
        scheme = "https" if self.ssl_context is not None else "http"
        return "%s://127.0.0.1:%d/v1" % (scheme, self.port)

    @property
    def calls(self):
        """Every chat request received so far (a copy), in arrival order."""
        with self._lock:
            return list(self._calls)

    @property
    def requests(self):
        """The parsed JSON body of every chat request received so far."""
        return [call.body for call in self.calls]

    @property
    def started(self):
        """How many chat requests arrived."""
        with self._lock:
            return len(self._calls)

    @property
    def in_flight(self):
        """How many requests are being held right now."""
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self):
        """The most requests held at the same time."""
        with self._lock:
            return self._max_in_flight

    def reset(self):
        """Forget the recorded calls and counters (not the settings)."""
        with self._lock:
            self._calls = []
            self._max_in_flight = self._in_flight

    def wait_idle(self, timeout=5.0):
        """Wait until no request is in flight; return whether that happened."""
        deadline = time.monotonic() + timeout
        while self.in_flight:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS / 2)
        return True

    # ------------------------------------------------------------------ serving
    def _begin(self, path, body, authorization, client_port):
        with self._lock:
            record = CallRecord(
                index=len(self._calls),
                path=path,
                body=body,
                authorization=authorization,
                client_port=client_port,
                started=time.monotonic(),
            )
            self._calls.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            return record

    def _end(self, record, outcome):
        with self._lock:
            record.ended = time.monotonic()
            record.outcome = outcome
            self._in_flight -= 1

    def _hold(self, handler, seconds):
        """Wait ``seconds`` (forever when None); return why it ended early, or None."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            step = POLL_SECONDS
            if deadline is not None:
                step = min(step, deadline - time.monotonic())
                if step <= 0:
                    return None
            if self._stopping.wait(step):
                return "stopped"
            if handler.client_gone():
                return "client_gone"

    def handle(self, handler, body):
        """Record the request, then answer it (or not) as configured."""
        record = self._begin(
            handler.path,
            body,
            handler.headers.get("Authorization", ""),
            handler.client_address[1],
        )
        outcome = "error"
        try:
            outcome = self._serve(handler, record)
        finally:
            self._end(record, outcome)

    def _serve(self, handler, record):
        early = self._hold(handler, None if self.stall else self.latency or 0)
        if early:
            handler.close_connection = True
            return early
        try:
            status, data, record.reply = self._answer(record.body)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # A faulty reply callable is a server error, as it would be upstream.
            status, data = 500, json.dumps({"error": {"message": repr(exc)}}).encode()
        try:
            if self.trickle:
                early = self._trickle(handler, status, data)
                if early:
                    handler.close_connection = True
                    return early
            else:
                handler.send_raw(status, data)
        except OSError:
            return "client_gone"
        return "replied" if status < 400 else "error"

    def _trickle(self, handler, status, data):
        """Headers at once, then the body one byte every ``trickle`` seconds."""
        handler.send_headers(status, len(data))
        for index in range(len(data)):
            handler.wfile.write(data[index : index + 1])
            handler.wfile.flush()
            if index + 1 < len(data):
                early = self._hold(handler, self.trickle)
                if early:
                    return early
        return None

    def _answer(self, body):
        if self.status >= 400:
            payload = {"error": {"message": self.error_message, "type": "server_error"}}
            if self.error_code:
                payload["error"]["code"] = self.error_code
            return self.status, json.dumps(payload).encode(), None
        if self.malformed:
            return self.status, b'{"id": "chatcmpl-broken", "choices": [', None
        if self.response is not None:
            payload = self.response(body) if callable(self.response) else self.response
            return self.status, json.dumps(payload).encode(), None
        text = self.reply(body) if callable(self.reply) else self.reply
        payload = {
            "id": "chatcmpl-local",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": (body or {}).get("model", "unknown"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }
        return self.status, json.dumps(payload).encode(), text


def user_message(body):
    """The text of the last user message of a recorded request body."""
    for message in reversed((body or {}).get("messages", [])):
        if message.get("role") == "user":
            return message.get("content") or ""
    return ""
