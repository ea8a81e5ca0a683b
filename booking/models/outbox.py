"""Messages waiting to be sent: written in the same transaction as the change that causes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import created_at


class OutboxMessage(db.Model):
    """One message to send, exactly once, whatever the mail server or SMS provider is doing.

    `dedupe_key` (booking, kind, sequence, recipient) is unique: the same change can never
    queue the same message twice. A worker claims a row (`claimed_until`), sends it, then
    marks it sent; `message_id` stays the same on every attempt.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    sequence: Mapped[int | None]
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    calendar: Mapped[bytes | None] = mapped_column(LargeBinary)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    message_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    dropped_at: Mapped[datetime | None]
    # Why the last attempt failed, without personal data (an SMTP code and a short reason).
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()
    # "email", "sms" (a text through the SMS provider) or "phone" (a call for the desk to
    # make: never sent by the worker, done when the answer is recorded). Last, as migration
    # 0013 added it.
    channel: Mapped[str] = mapped_column(String(10), server_default="email")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind}>"


class WorkerHeartbeat(db.Model):
    """When each outbox worker (host and process) was last seen, for `/healthz/outbox`."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # host:process id
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
