"""Development only: where the outbox delivers when no MAIL_SERVER is set, so a newcomer can
read every email, calendar invite and text the practice sends (the viewer is /dev/mail).

Messages go through the worker exactly as they would to a real server (the same batches,
rules and MIME); only the last step differs: each is written to a Maildir folder
(`DEV_MAIL_DIR`, by default instance/dev-mail) with Python's own mailbox module, one file a
message, so the web process and the worker share it without a server. Texts are kept there
too, as short messages marked with their channel.
"""

from __future__ import annotations

import email
import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from flask import current_app

CHANNEL = "X-Dev-Channel"  # "email" or "sms"


@dataclass(frozen=True)
class CaughtMessage:
    key: str
    channel: str
    recipient: str
    subject: str
    sent_at: datetime | None
    message: EmailMessage

    def calendar_parts(self) -> list[EmailMessage]:
        """The text/calendar parts, as a mail program offers them."""
        return [
            part
            for part in self.message.walk()
            if part.get_content_type() == "text/calendar" and not part.is_multipart()
        ]

    def body(self, kind: str) -> str | None:
        """The text/plain or text/html body (the one a mail program would show)."""
        part = self.message.get_body(preferencelist=(kind,))
        return part.get_content() if part is not None else None


class DevMailbox:
    """A Maildir that takes messages as an SMTP connection does and texts as an SMS sender."""

    def __init__(self, folder: str | Path) -> None:
        self.box = mailbox.Maildir(folder, create=True)

    # What the outbox's SMTP side calls.
    def send_message(self, message: EmailMessage) -> None:
        self._keep(message, "email")

    def quit(self) -> None:
        """Nothing to close: each message is already a file."""

    close = quit

    # What the outbox's SMS side calls.
    def send(self, number: str, body: str) -> str:
        text = EmailMessage()
        text["To"] = number
        text["Subject"] = "Text message"
        text["Date"] = format_datetime(datetime.now(UTC))
        text.set_content(body)
        return self._keep(text, "sms")

    def _keep(self, message: EmailMessage, channel: str) -> str:
        copy = email.message_from_bytes(message.as_bytes(), policy=policy.default)
        del copy[CHANNEL]
        copy[CHANNEL] = channel
        return self.box.add(copy)

    def messages(self) -> list[CaughtMessage]:
        """Every message kept, newest first."""
        caught = [self._caught(key) for key in self.box.iterkeys()]
        oldest = datetime.min.replace(tzinfo=UTC)
        return sorted(caught, key=lambda m: (m.sent_at or oldest, m.key), reverse=True)

    def get(self, key: str) -> CaughtMessage | None:
        try:
            return self._caught(key)
        except KeyError:
            return None

    def _caught(self, key: str) -> CaughtMessage:
        with self.box.get_file(key) as raw:
            message = email.message_from_binary_file(raw, policy=policy.default)
        date = message["Date"]
        return CaughtMessage(
            key=key,
            channel=message[CHANNEL] or "email",
            recipient=message["To"] or "",
            subject=message["Subject"] or "",
            sent_at=parsedate_to_datetime(date) if date else None,
            message=message,
        )


def catcher() -> DevMailbox | None:
    """The development mailbox, when this app delivers there (no MAIL_SERVER; never in
    production, whose configuration refuses to start without one)."""
    folder = current_app.config.get("DEV_MAIL_DIR")
    if not folder or current_app.config.get("MAIL_SERVER"):
        return None
    return DevMailbox(folder)
