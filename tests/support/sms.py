"""A local stand-in for Twilio's Messages API, which cannot be reached from here.

It answers the documented request and response shapes of
`POST /2010-04-01/Accounts/{AccountSid}/Messages.json` (form-encoded `To`, `From`, `Body`;
HTTP Basic auth with the account SID and auth token): 201 with the message resource as JSON,
or Twilio's error shape (`code`, `message`, `more_info`, `status`) for a refused number
(21211, 400), a landline (21614, 400), wrong credentials (20003, 401) or a passing outage
(500).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


@dataclass
class FakeTwilio:
    """Texts received, and what to answer next."""

    texts: list[dict[str, str]] = field(default_factory=list)
    invalid_numbers: set[str] = field(default_factory=set)
    not_mobile: set[str] = field(default_factory=set)  # landlines: 21614
    outages: int = 0  # answer this many requests with 500 first
    url: str = ""

    def bodies_to(self, number: str) -> list[str]:
        return [text["Body"] for text in self.texts if text["To"] == number]


def _handler(state: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, code: int, message: str) -> None:
            self._reply(
                status,
                {
                    "code": code,
                    "message": message,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status,
                },
            )

        def do_POST(self) -> None:
            match = PATH.match(self.path)
            expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                return self._error(401, 20003, "Authenticate")
            if match is None or match[1] != ACCOUNT_SID:
                return self._error(404, 20404, "The requested resource was not found")
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if state.outages > 0:
                state.outages -= 1
                return self._error(500, 20500, "Internal Server Error")
            if form.get("To") in state.invalid_numbers:
                return self._error(
                    400, 21211, f"The 'To' number {form.get('To')} is not a valid phone number."
                )
            if form.get("To") in state.not_mobile:
                return self._error(400, 21614, f"'To' number {form.get('To')} is not a mobile")
            state.texts.append(form)
            sid = "SM" + secrets.token_hex(16)
            self._reply(
                201,
                {
                    "sid": sid,
                    "account_sid": ACCOUNT_SID,
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "status": "queued",
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "error_code": None,
                    "error_message": None,
                    "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
                },
            )

    return Handler


def start() -> tuple[FakeTwilio, ThreadingHTTPServer]:
    state = FakeTwilio()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll, so shutting it down after each test takes no noticeable time.
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return state, server
