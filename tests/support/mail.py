"""A real SMTP server for the tests (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import socket
import threading
from email import policy


class Inbox:
    """An aiosmtpd handler that keeps every message and can refuse chosen recipients."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.defer = False  # answer every recipient "try again later", as a busy server does
        self.port = 0  # set by the fixture that starts the server
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.defer:
            return "451 4.3.0 Please try again later"
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
