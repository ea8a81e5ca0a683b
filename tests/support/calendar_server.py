"""A real local HTTP server serving calendar files, for the own-calendar tests.

Each path is told what to answer: a body with an ETag and/or Last-Modified (answering 304 to a
matching conditional request), a status, a redirect, a body larger than the limit, or an answer
held back until the test ends (for time-outs; the test itself never sleeps).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    hold: bool = False  # wait until the server stops before answering
    trickle: bool = False  # send the headers, then hold the body back
    no_length: bool = False  # no Content-Length: the body ends when the connection closes


@dataclass
class CalendarServer:
    """The running server: set answers with `serve`, read what was asked in `requests`."""

    port: int
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def serve(self, path: str, **answer: object) -> str:
        """Answer `path` so; its full address back."""
        self.answers[path] = Answer(**answer)  # type: ignore[arg-type]
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of each request for `path`, in order."""
        return [headers for asked, headers in self.requests if asked == path]


def _handler(server: CalendarServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers.items())))
            answer = server.answers.get(self.path, Answer(status=404))
            if answer.hold:
                server.released.wait(30)
                return
            if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                self._answer(304, answer, b"")
                return
            since = self.headers.get("If-Modified-Since")
            if answer.last_modified and since == answer.last_modified and not answer.etag:
                self._answer(304, answer, b"")
                return
            self._answer(answer.status, answer, answer.body)

        def _answer(self, status: int, answer: Answer, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            if answer.etag:
                self.send_header("ETag", answer.etag)
            if answer.last_modified:
                self.send_header("Last-Modified", answer.last_modified)
            if answer.location:
                self.send_header("Location", answer.location)
            if answer.trickle:
                self.end_headers()  # no length: the body never finishes
                self.wfile.write(b"BEGIN:VCALENDAR\r\n")
                self.wfile.flush()
                server.released.wait(30)
                return
            if not answer.no_length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


def running_calendar_server() -> Iterator[CalendarServer]:
    """Start a server on a free local port; stop it (releasing held answers) afterwards."""
    state = CalendarServer(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.released.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
