"""The outbox: queue messages with the change that causes them; a worker sends each once.

A web request never talks to SMTP. `queue()` adds rows inside the caller's transaction, so a
booking and its messages commit together or not at all. `run_once()` works in batches of up to
`BATCH`: one transaction claims a batch of due rows (with `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers share the work; SQLite's write lock lets one claim at a time)
and, reading the bookings, clients and settings they need in a few queries, drops those no
longer wanted and holds back those in a client's quiet hours; the rest go over one SMTP
connection, kept for the whole pass, and one more transaction records how each went. A worker
that dies holds the unsent messages of its batch for at most `CLAIM_SECONDS`.

Exactly once, and the one gap SMTP leaves: a message is marked sent only after the server
accepted it. If the worker dies between the server's "250 OK" and the batch's mark, the claims
run out and the messages it had sent go again, with the same Message-ID, so mail programs can
tell each is a repeat. That is at most one extra copy of each message of the batch in flight
(so at most `BATCH` messages) per crash: the price of two writes per batch instead of two per
message.

How long a message keeps trying (`_worth_trying`): with back-off from one minute to an hour,
a reminder, check-in or follow-up for as long as it still makes sense (until the session
starts; a follow-up for a week after), and anything else (a confirmation, a change, a
cancellation, the therapist's invite) for `KEEP_TRYING_FOR` after it was due. A refusal that
will not change (an address that does not exist, a message too large) fails at once.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from booking.clock import practice_zone
from booking.domain.audit import AuditAction
from booking.domain.channels import Channel
from booking.domain.imip import imip_email
from booking.domain.messages import Outgoing
from booking.domain.reminders import after_quiet_hours
from booking.domain.statuses import BookingStatus, IntakeStatus
from booking.extensions import db
from booking.models import Booking, Intake, OutboxMessage
from booking.services.messaging import devmail, sms
from booking.services.practice.settings import PracticeSettings
from booking.services.practice.settings import current as current_settings
from booking.services.staff import audit
from booking.transactions import write_transaction

log = logging.getLogger(__name__)

# SMTP's time-out is per step of the conversation, so one send may take this many of them:
# connect, greeting, EHLO, MAIL, RCPT, DATA, the message and its end (a text's HTTP call, two
# of sms.TIMEOUT_SECONDS, fits in the same).
SMTP_TIMEOUT_SECONDS = 10
SMTP_STEPS = 7
# A batch stops taking its next message once less than this is left of its claim, so that no
# send can still be in flight when the claim runs out; the rest go in the next batch.
SEND_SECONDS = SMTP_STEPS * SMTP_TIMEOUT_SECONDS
# A claimed message is someone's for this long: room for the slowest send, short enough that
# a crashed worker delays its messages by about two minutes.
CLAIM_SECONDS = 120
KEEP_TRYING_FOR = timedelta(days=3)  # a confirmation, change or cancellation, after it was due
BATCH = 20
# Waits between attempts: 1, 2, 4 ... minutes, at most an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
TOO_LARGE = frozenset({552, 523})  # RFC 1870: the message exceeds the server's size limit


def dedupe_key(outgoing: Outgoing, booking_id: int | str | None, sequence: int | None) -> str:
    """One message of a kind per booking (or other subject), change (sequence), recipient and
    channel."""
    key = f"{booking_id}:{outgoing.kind}:{sequence}:{outgoing.recipient.lower()}"
    return key if outgoing.channel == Channel.EMAIL else f"{key}:{outgoing.channel}"


def queue(
    messages: Sequence[Outgoing],
    now: datetime,
    booking: Booking | None = None,
    due_at: datetime | None = None,
    versioned: bool = True,
    about: str | None = None,
) -> int:
    """Add messages to the outbox in the caller's transaction; a repeat of one is ignored.

    A versioned message carries the booking's SEQUENCE and is dropped if the booking changes
    before it goes; an unversioned one (the questionnaire link) holds whatever the time.
    One INSERT ... ON CONFLICT DO NOTHING for them all: a booking queues several at once.
    A message about something other than a booking (a waiting-list offer) names it in `about`
    ("offer-12"), so each of its kind is one message.
    """
    if not messages:
        return 0
    db.session.flush()  # the booking (and anything else pending) first: its id goes in the rows
    domain = current_app.config.get("MAIL_DEFAULT_SENDER", "booking").rpartition("@")[2]
    sequence = booking.ical_sequence if booking is not None and versioned else None
    booking_id = booking.id if booking is not None else None
    rows = [
        {
            "dedupe_key": dedupe_key(outgoing, about or booking_id, sequence),
            "kind": outgoing.kind,
            "booking_id": booking_id,
            "sequence": sequence,
            "recipient": outgoing.recipient,
            "subject": outgoing.subject,
            "text_body": outgoing.text,
            "html_body": outgoing.html,
            "calendar": outgoing.calendar,
            "calendar_method": outgoing.method,
            "channel": outgoing.channel,
            "message_id": f"<{secrets.token_hex(16)}@{domain or 'booking'}>",
            "due_at": due_at or now,
            "next_attempt_at": due_at or now,
        }
        for outgoing in messages
    ]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = OutboxMessage.__table__
    statement = (
        insert(table)  # the table, not the class: no ORM bookkeeping for rows not loaded
        .on_conflict_do_nothing(index_elements=[table.c.dedupe_key])
        .returning(table.c.dedupe_key)
    )
    added = set(db.session.scalars(statement, rows))  # one statement (insertmanyvalues)
    repeats = [row for row in rows if row["dedupe_key"] not in added]
    # The same message is already queued: keep it, or wake it.
    return len(added) + sum(1 for row in repeats if _revive(OutboxMessage(**row)))


def _revive(fresh: OutboxMessage) -> bool:
    """The same message was queued before and dropped unsent (say reminders were turned off,
    then on again): it is wanted again, as `fresh` says. One already sent stays sent."""
    old = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == fresh.dedupe_key)
    ).one_or_none()
    if old is None or old.sent_at is not None or old.dropped_at is None:
        return False
    for name in ("subject", "text_body", "html_body", "calendar", "calendar_method", "channel"):
        setattr(old, name, getattr(fresh, name))
    old.due_at = old.next_attempt_at = fresh.due_at
    old.dropped_at = old.failed_at = old.claimed_until = old.claim_token = old.last_error = None
    old.attempts = 0
    return True


def queued_channel(row: OutboxMessage) -> Channel:
    """The channel a message was queued for (a text may since have become a call)."""
    suffix = row.dedupe_key.rpartition(":")[2]
    return Channel(suffix) if suffix in (Channel.SMS, Channel.PHONE) else Channel.EMAIL


# --- The worker -------------------------------------------------------------------------------


@dataclass
class RunReport:
    """What one pass did (counts only: no addresses, nothing personal)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dropped: int = 0
    waiting: int = 0  # held back until the client's quiet hours end
    to_phone: int = 0  # texts that became calls for the desk (no SMS provider set up)
    ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.dropped)


def _take(now: datetime, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due messages nobody holds, oldest due first, with one new token
    (inside the caller's transaction). Rows another worker is claiming are skipped."""
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.dropped_at.is_(None),
            OutboxMessage.channel != Channel.PHONE,  # calls are the desk's to make
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return []
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(
            claim_token=secrets.token_hex(16),
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
    ).all()
    order = {message_id: position for position, message_id in enumerate(due)}
    return sorted(claimed, key=lambda row: order[row.id])


def _claim(now: datetime, limit: int) -> list[tuple[int, str]]:
    """Take up to `limit` due messages in one transaction, as the worker does: (id, claim
    token) of each (for tests and tools)."""
    with write_transaction():
        return [(row.id, row.claim_token) for row in _take(now, limit)]


# Messages that only make sense for a while: (kind, the latest moment they may still go).
FOLLOWUP_TIMELY_FOR = timedelta(days=7)
# What a client who asked for no reminders never gets (confirmations and changes still go).
REMINDER_KINDS = frozenset({"client_reminder", "client_followup", "client_intake_nudge"})
CALLED_KINDS = frozenset({"client_reminder", "client_followup"})  # what the desk can phone
CHECKIN_ALERT = "therapist_checkin_"  # + the answer: what a check-in answer told the therapist


@dataclass(frozen=True)
class _Facts:
    """What judging a batch needs, read in a few queries whatever its size: the bookings its
    messages are about (with their clients), the practice settings, and which clients have
    answered their questionnaire."""

    bookings: dict[int, Booking]
    settings: PracticeSettings
    answered: set[int]  # client ids whose latest questionnaire is submitted

    @classmethod
    def of(cls, rows: Sequence[OutboxMessage]) -> _Facts:
        booking_ids = {row.booking_id for row in rows if row.booking_id is not None}
        bookings = {}
        if booking_ids:
            found = db.session.scalars(
                select(Booking)
                .where(Booking.id.in_(booking_ids))
                .options(joinedload(Booking.client))
            )
            bookings = {booking.id: booking for booking in found}
        nudged = {
            bookings[row.booking_id].client_id
            for row in rows
            if row.kind == "client_intake_nudge" and row.booking_id in bookings
        }
        return cls(bookings, current_settings(), _answered_questions(nudged))

    def booking(self, row: OutboxMessage) -> Booking | None:
        return self.bookings.get(row.booking_id) if row.booking_id is not None else None


def _answered_questions(client_ids: set[int]) -> set[int]:
    """Those of these clients whose latest questionnaire is submitted (one query, or none)."""
    if not client_ids:
        return set()
    latest: dict[int, str] = {}
    for client_id, status in db.session.execute(
        select(Intake.client_id, Intake.status)
        .where(Intake.client_id.in_(client_ids))
        .order_by(Intake.client_id, Intake.created_at.desc(), Intake.id.desc())
    ):
        latest.setdefault(client_id, status)
    return {client_id for client_id, status in latest.items() if status == IntakeStatus.SUBMITTED}


def _still_wanted(row: OutboxMessage, facts: _Facts, now: datetime) -> bool:
    """A message about a booking goes only while it still says what is true.

    A later change queues its own message with a higher sequence, so an older one is
    superseded; a confirmation or update for a booking since cancelled is dropped.
    """
    if row.booking_id is None:
        return True
    booking = facts.booking(row)
    if booking is None:
        return False
    if row.sequence is not None and row.sequence < booking.ical_sequence:
        return False
    cancelling = row.calendar_method == "CANCEL"
    if not cancelling and booking.status == BookingStatus.CANCELLED:
        return False
    if row.kind in REMINDER_KINDS and not booking.client.reminders_wanted:
        return False  # "No reminders, thank you", perhaps said after this was queued
    if row.kind.startswith(CHECKIN_ALERT):  # only while that is still the client's answer
        answer = row.kind.removeprefix(CHECKIN_ALERT)
        return booking.checkin_answer == answer and now < booking.start_utc
    if row.kind == "client_reminder":
        return now < booking.start_utc  # a reminder after the start helps no one
    if row.kind == "client_intake_nudge":
        return now < booking.start_utc and booking.client_id not in facts.answered
    if row.kind == "client_followup":  # once answered (by any way), not asked again
        return (
            booking.status != BookingStatus.NO_SHOW
            and booking.followup_answer is None
            and now < booking.end_utc + FOLLOWUP_TIMELY_FOR
        )
    return True


def _after_quiet_hours(row: OutboxMessage, facts: _Facts, now: datetime) -> datetime | None:
    """When a client's message must wait for their quiet hours to end, or None to send now."""
    booking = facts.booking(row)
    if not row.kind.startswith("client_") or booking is None:
        return None
    quiet = facts.settings.quiet_hours_for(booking.client.quiet_hours)
    later = after_quiet_hours(now, practice_zone(), *quiet)
    return later if later > now else None


SmtpFactory = Callable[[], smtplib.SMTP]


def smtp_from_config() -> smtplib.SMTP:
    """A connection to the configured SMTP server."""
    return smtplib.SMTP(
        current_app.config["MAIL_SERVER"],
        current_app.config["MAIL_PORT"],
        timeout=SMTP_TIMEOUT_SECONDS,
    )


@dataclass
class _Post:
    """What one pass sends with: an SMTP connection opened when first needed (and reused),
    and the SMS sender, made when the first text goes."""

    sender: str
    connect: SmtpFactory
    texts: Callable[[], sms.Sender] | None
    smtp: smtplib.SMTP | None = None
    sms_sender: sms.Sender | None = None

    def send_email(self, email) -> None:
        if self.smtp is None:
            self.smtp = self.connect()
        self.smtp.send_message(email)

    def send_text(self, number: str, body: str) -> None:
        if self.sms_sender is None:
            self.sms_sender = (self.texts or sms.sender_from_config)()
        self.sms_sender.send(number, body)

    def drop_connection(self) -> None:
        if self.smtp is not None:
            self.smtp.close()  # broken; the next message opens a new one
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()


@dataclass(frozen=True)
class _Job:
    """A claimed message to send now, as plain values: sending needs no database."""

    id: int
    outgoing: Outgoing
    message_id: str
    give_up_at: datetime | None  # None: _still_wanted judges at each try how long it is useful


@dataclass
class _Batch:
    """Messages claimed together with one token, and what became of each as it was sent."""

    token: str
    claimed_until: datetime
    claimed: int  # how many, including those settled without sending (dropped, waiting)
    jobs: list[_Job] = field(default_factory=list)  # the ones to send
    sent: list[int] = field(default_factory=list)
    failures: dict[int, tuple[str, bool]] = field(default_factory=dict)  # id: reason, for good?
    calls: list[int] = field(default_factory=list)  # numbers that take no texts: phone instead

    def untried(self) -> list[int]:
        done = {*self.sent, *self.failures, *self.calls}
        return [job.id for job in self.jobs if job.id not in done]


def run_once(
    now: Callable[[], datetime],
    connect: SmtpFactory | None = None,
    limit: int = BATCH,
    texts: Callable[[], sms.Sender] | None = None,
) -> RunReport:
    """One pass: send every due message, a batch at a time over one connection, retrying later
    what the server refuses."""
    if connect is None and texts is None and (catcher := devmail.catcher()) is not None:
        connect, texts = (lambda: catcher), (lambda: catcher)  # development: the viewer's
    connect = connect or smtp_from_config
    report = RunReport()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    post = _Post(sender, connect, texts)
    try:
        while (batch := _claim_batch(now(), limit, post, report)) is not None:
            if batch.jobs:
                _send_batch(batch, now, post, report)
            if batch.claimed < limit and not batch.untried():
                break  # that was the last of what is due
    finally:
        post.close()
    return report


def _claim_batch(now: datetime, limit: int, post: _Post, report: RunReport) -> _Batch | None:
    """Claim a batch (None when nothing is due), and settle in the same transaction what will
    not be sent now: messages no longer wanted are dropped, a client's in their quiet hours
    wait (without using up an attempt), texts with no SMS provider become calls."""
    with write_transaction():
        rows = _take(now, limit)
        if not rows:
            return None
        batch = _Batch(rows[0].claim_token, rows[0].claimed_until, claimed=len(rows))
        facts = _Facts.of(rows)
        for row in rows:
            if not _still_wanted(row, facts, now):
                row.dropped_at = now
                row.claimed_until = None
                report.dropped += 1
            elif (later := _after_quiet_hours(row, facts, now)) is not None:
                row.next_attempt_at = later
                row.claimed_until = None
                row.attempts -= 1
                report.waiting += 1
            elif row.channel == Channel.SMS and not (post.texts or sms.configured()):
                _call_instead(row, sms.NOT_SET_UP, now, report)  # no provider set up
            else:
                batch.jobs.append(_job(row))
        return batch


def outgoing_of(row: OutboxMessage) -> Outgoing:
    """The message a queued row holds, as it was given to queue()."""
    return Outgoing(
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        text=row.text_body,
        html=row.html_body,
        calendar=row.calendar,
        method=row.calendar_method,
        channel=Channel(row.channel),
    )


def _job(row: OutboxMessage) -> _Job:
    outgoing = outgoing_of(row)
    # A reminder's usefulness is _still_wanted's to judge at each try (it is dropped once its
    # moment has passed); anything else keeps trying for KEEP_TRYING_FOR.
    timely = row.kind in REMINDER_KINDS or row.kind.startswith(CHECKIN_ALERT)
    give_up_at = None if timely else row.due_at + KEEP_TRYING_FOR
    return _Job(row.id, outgoing, row.message_id, give_up_at)


def _send_batch(batch: _Batch, now: Callable[[], datetime], post: _Post, report: RunReport) -> None:
    """Send a claimed batch, then record what became of every message in one transaction.

    An error, or Ctrl+C, records what was done before it, then goes on up; only a crash leaves
    the batch to its claims, which run out after CLAIM_SECONDS.
    """
    try:
        for position, job in enumerate(batch.jobs):
            if position and now() >= batch.claimed_until - timedelta(seconds=SEND_SECONDS):
                break  # the claim could run out in the middle of this send: leave it for later
            _send(job, now, post, batch)
    except (Exception, KeyboardInterrupt):
        _record(batch, now(), report)
        raise
    _record(batch, now(), report)


def _send(job: _Job, now: Callable[[], datetime], post: _Post, batch: _Batch) -> None:
    try:
        if job.outgoing.channel == Channel.EMAIL:
            post.send_email(imip_email(job.outgoing, post.sender, job.message_id, now()))
        else:
            post.send_text(job.outgoing.recipient, job.outgoing.text)
    except sms.SmsFailed as error:
        if error.phone_instead:
            batch.calls.append(job.id)
        else:
            batch.failures[job.id] = (error.reason, error.permanent)
        return
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        permanent, reason = _error_words(error)
        batch.failures[job.id] = (reason, permanent)
        if not isinstance(error, smtplib.SMTPResponseException):
            post.drop_connection()
        return
    batch.sent.append(job.id)


def _record(batch: _Batch, at: datetime, report: RunReport) -> None:
    """Mark the batch's sent messages sent, the refused ones for a retry (or failed), and free
    the ones not tried, in one transaction; a message no longer this batch's is left alone."""
    give_up_at = {job.id: job.give_up_at for job in batch.jobs}
    untried = batch.untried()
    with write_transaction():
        if batch.sent:
            db.session.execute(
                _still_ours(batch.sent, batch.token).values(
                    sent_at=at, claimed_until=None, last_error=None
                )
            )
        if untried:  # not tried after all, so no attempt used
            db.session.execute(
                _still_ours(untried, batch.token).values(
                    claimed_until=None, attempts=OutboxMessage.attempts - 1
                )
            )
        if batch.failures or batch.calls:  # rare: row by row
            rows = db.session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.id.in_([*batch.failures, *batch.calls]),
                    OutboxMessage.claim_token == batch.token,
                    OutboxMessage.sent_at.is_(None),
                )
                .with_for_update()
            )
            for row in rows:
                if row.id in batch.failures:
                    reason, permanent = batch.failures[row.id]
                    _failed(row, reason, permanent, give_up_at[row.id], at, report)
                else:
                    _call_instead(row, sms.NO_TEXTS_HERE, at, report)
    report.sent += len(batch.sent)
    report.ids.extend(batch.sent)


def _still_ours(ids: Sequence[int], token: str):
    """An UPDATE of those of these messages that are still claimed with `token`, unsent."""
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            OutboxMessage.claim_token == token,
            OutboxMessage.sent_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    )


def _error_words(error: BaseException) -> tuple[bool, str]:
    """(permanent?, a short reason without addresses) for an SMTP failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        code = min(codes) if codes else 550
        return code >= 500, f"recipient refused ({code})"
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code in TOO_LARGE:
        return True, f"message too large ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return error.smtp_code >= 500, f"sender refused ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500, f"message refused ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500, f"server said {error.smtp_code}"
    return False, f"could not reach the mail server ({type(error).__name__})"


def _retry_after(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def _call_instead(row: OutboxMessage, reason: str, at: datetime, report: RunReport) -> None:
    """A text that cannot go (no provider, or a number that takes no texts) becomes a call
    for the desk, which sees why on its list; a questionnaire nudge is no call (the desk
    offers the questions when it rings anyway), so it is dropped."""
    row.last_error = reason
    row.claimed_until = None
    if row.kind in CALLED_KINDS:
        row.channel = Channel.PHONE
        report.to_phone += 1
    else:
        row.dropped_at = at
        report.dropped += 1


def _failed(
    row: OutboxMessage,
    reason: str,
    permanent: bool,
    give_up_at: datetime | None,
    at: datetime,
    report: RunReport,
) -> None:
    """A refused message: tried again after a while, or failed for good."""
    give_up = permanent or (give_up_at is not None and at >= give_up_at)
    row.last_error = reason
    row.claimed_until = None
    if give_up:
        row.failed_at = at
        report.failed += 1
        log.warning("outbox message %s failed for good: %s", row.id, reason)
    else:
        row.next_attempt_at = at + _retry_after(row.attempts)
        report.retrying += 1
        log.info("outbox message %s will be tried again: %s", row.id, reason)


def failed_messages(limit: int = 100) -> list[OutboxMessage]:
    """Messages that will not be tried again, newest first, for staff to look at."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(and_(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None)))
            .order_by(OutboxMessage.failed_at.desc())
            .limit(limit)
        )
    )


class UnknownMessage(LookupError):
    """No outbox message has this id."""


def retry_failed(message_id: int, staff_user_id: int, now: datetime) -> bool:
    """Give a failed message a fresh start: the worker tries it again soon, with new attempts.

    Audited (RETRIED_MESSAGE) in the same transaction. Returns False, changing nothing, when
    the message is no longer failed (already sent again, or retried by someone else).
    """
    with write_transaction():
        row = db.session.get(OutboxMessage, message_id, with_for_update=True)
        if row is None:
            raise UnknownMessage(message_id)
        return _fresh_start(row, staff_user_id, now)


def retry_all_failed(staff_user_id: int, now: datetime) -> int:
    """ "Send all again" after an outage: every failed message gets a fresh start, each one
    audited. Returns how many; one transaction, however many."""
    with write_transaction():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .with_for_update()
        ).all()
        return sum(_fresh_start(row, staff_user_id, now) for row in rows)


def _fresh_start(row: OutboxMessage, staff_user_id: int, now: datetime) -> bool:
    if row.failed_at is None or row.sent_at is not None:
        return False
    row.failed_at = None
    row.attempts = 0
    # Counted again from now: a message given up after days of trying gets days once more.
    row.due_at = max(row.due_at, now) if row.kind not in REMINDER_KINDS else row.due_at
    row.next_attempt_at = now
    row.claimed_until = None
    row.claim_token = None
    booking = db.session.get(Booking, row.booking_id) if row.booking_id else None
    audit.record(
        audit.actor_for(staff_user_id),
        AuditAction.RETRIED_MESSAGE,
        now,
        client_id=booking.client_id if booking is not None else None,
        booking_id=row.booking_id,
        detail=f"{row.kind}; last error: {row.last_error or 'none'}",
    )
    return True
