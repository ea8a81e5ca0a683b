"""The emails a booking change sends: what they say, to whom, and the calendar each carries.

Every change sends one message to the client (when we have their email) and one to the
therapist. Both carry a calendar invite with the booking's one UID, so calendars replace or
remove the same entry. Wording follows DOMAIN.md: key facts first, one idea a line, plain words.

What each side may read:
- the client's messages never show the therapist's email address;
- the therapist's messages show the client's first name, the service, the time and a link to
  the dashboard. Nothing else about the client: no surname, no contact details, nothing about
  their health. The dashboard is where the rest lives, behind a login.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from booking.domain.channels import SMS_MAX_SEGMENTS, Channel, gsm_text, sms_segments
from booking.domain.dates import clock_in_words, moment_in_words
from booking.domain.feed import feed_summary
from booking.domain.ical import CalendarEntry, invite_calendar


class Change(StrEnum):
    """What happened to a booking."""

    BOOKED = "booked"
    MOVED = "moved"
    SHORTENED = "shortened"
    LENGTHENED = "lengthened"  # only ever when the client said yes to an offer of more
    CANCELLED = "cancelled"
    HELD = "held"  # now waiting for the therapist to confirm
    CONFIRMED = "confirmed"  # the therapist has confirmed a held booking


@dataclass(frozen=True)
class SessionFacts:
    """What the messages about one booking may say. The caller raises `sequence` on a change."""

    uid: str
    sequence: int
    start_utc: datetime
    end_utc: datetime
    zone: ZoneInfo
    service_name: str
    minutes: int
    hands_on_minutes: int | None
    home_visit: bool
    first_visit: bool
    practitioner_name: str
    practitioner_email: str
    client_first_name: str
    client_email: str | None  # None: a phone-only client, who gets no email
    practice_name: str
    practice_email: str
    practice_phone: str
    practice_address: str
    manage_url: str
    dashboard_url: str
    held: bool  # waiting for the therapist to confirm (status held_for_review)
    cancelled: bool = False
    # The client said the last session was followed by a crash: suggest (never force) gentler.
    crash_last_time: bool = False
    offer: MoreOffer | None = None  # a little more massage, if the client would like it


@dataclass(frozen=True)
class MoreOffer:
    """An offer of a little more hands-on time next session, agreed by the therapist after
    sessions with no worsening. Only the client's yes changes anything."""

    minutes: int  # hands-on minutes offered
    from_minutes: int  # instead of these (last time's, or what the session allows)
    links: dict[str, str] = field(default_factory=dict)  # OFFER_ANSWERS key -> one-tap link


@dataclass(frozen=True)
class Outgoing:
    """One message, ready for the outbox: an email, a text, or a call for the desk to make
    (a text or a call has no subject, HTML or calendar; a call's text is its script)."""

    kind: str
    recipient: str
    subject: str
    text: str
    html: str
    calendar: bytes | None
    method: str | None  # "REQUEST" | "CANCEL" | None
    channel: Channel = Channel.EMAIL


@dataclass(frozen=True)
class _Link:
    """A line that ends in a link: in plain text the address follows on its own line."""

    text: str
    label: str
    url: str


_Line = str | _Link
_Section = tuple[_Line, ...]

_KINDS: dict[Change, tuple[str, str]] = {
    Change.BOOKED: ("client_confirmation", "therapist_invite"),
    Change.CANCELLED: ("client_cancellation", "therapist_cancellation"),
}
_UPDATE_KINDS = ("client_update", "therapist_update")


def booking_messages(facts: SessionFacts, change: Change, now: datetime) -> list[Outgoing]:
    """The client's message (if they have an email address) and the therapist's, in that order."""
    client_kind, therapist_kind = _KINDS.get(change, _UPDATE_KINDS)
    method = "CANCEL" if change == Change.CANCELLED else "REQUEST"
    messages = []
    if facts.client_email:
        messages.append(
            _client_message(facts, change, now, client_kind, method, facts.client_email)
        )
    messages.append(_therapist_message(facts, change, now, therapist_kind, method))
    return messages


# --- The calendar entry ----------------------------------------------------------------------


def calendar_entry(facts: SessionFacts, *, for_client: bool) -> CalendarEntry:
    """The one calendar entry for a booking, as the client's or the therapist's calendar holds it.

    Invites (with the recipient added as attendee), the client's download from the manage page
    and the therapist's feed all take it from here, so a calendar that gets the same UID from
    two of them never sees the event change its title, place or organizer. The client's entry
    never names the client; the therapist's names only the client's first name.
    """
    if for_client:
        summary = f"{facts.service_name} with {facts.practitioner_name}, {facts.practice_name}"
        description = _client_calendar_note(facts)
        url = facts.manage_url
    else:
        summary = feed_summary(facts.service_name, facts.client_first_name)
        description = f"Details in the dashboard: {facts.dashboard_url}"
        url = facts.dashboard_url
    return CalendarEntry(
        uid=facts.uid,
        sequence=facts.sequence,
        start_utc=facts.start_utc,
        end_utc=facts.end_utc,
        summary=summary,
        description=description,
        location=_client_place(facts) if for_client else _therapist_place(facts),
        url=url,
        cancelled=facts.cancelled,
        organizer=facts.practice_email,
        tentative=facts.held,
    )


# --- The client's message ------------------------------------------------------------------


def _client_message(
    facts: SessionFacts, change: Change, now: datetime, kind: str, method: str, recipient: str
) -> Outgoing:
    who = facts.practitioner_name
    sections: list[_Section] = [
        _client_lead(facts, change),
        _facts(facts, now, for_client=True),
    ]
    if change == Change.CANCELLED:
        sections.append(("The calendar file attached takes the session out of your calendar.",))
        another = "Would you like another time? There is no hurry."
        sections.append(
            (
                _Link(another, "Choose another time", facts.manage_url)
                if facts.manage_url
                else another,
                f"Or call {facts.practice_phone}, or reply to this email.",
                facts.practice_name,
            )
        )
    else:
        if facts.held:
            sections.append(
                (
                    f"{who} will read your answers, then confirm your session.",
                    "You do not need to do anything.",
                    "Your time is kept for you.",
                )
            )
        if facts.first_visit:
            sections.append(_first_visit(facts))
        sections.append(
            (
                *_bad_day(facts),
                "The calendar file attached adds the session to your calendar.",
            )
        )
        sections.append(
            (
                f"Questions? Call {facts.practice_phone} or reply to this email.",
                facts.practice_name,
            )
        )
    subject = f"{_client_subject(facts, change)}: {_when(facts, now)}"
    entry = replace(calendar_entry(facts, for_client=True), attendees=(recipient,))
    return _outgoing(kind, recipient, subject, sections, entry, now, method)


def _client_lead(facts: SessionFacts, change: Change) -> _Section:
    who = facts.practitioner_name
    if change == Change.CANCELLED:
        return ("Your session is cancelled.", "There is no charge.")
    lead = {
        Change.BOOKED: "Your session is booked.",
        Change.MOVED: "Your session has moved to a new time.",
        Change.SHORTENED: "Your session is now shorter.",
        Change.LENGTHENED: "Your session is now a little longer, as you asked.",
        Change.HELD: f"Your session is waiting for {who} to confirm it.",
        Change.CONFIRMED: f"{who} has confirmed your session.",
    }[change]
    return (lead,)


def _client_subject(facts: SessionFacts, change: Change) -> str:
    if change == Change.BOOKED and facts.held:
        return f"Booked, for {_one_line(facts.practitioner_name)} to confirm"
    return {
        Change.BOOKED: "Booked",
        Change.MOVED: "New time",
        Change.SHORTENED: "Shorter session",
        Change.LENGTHENED: "A little longer session",
        Change.HELD: f"Waiting for {_one_line(facts.practitioner_name)} to confirm",
        Change.CONFIRMED: "Confirmed",
        Change.CANCELLED: "Cancelled",
    }[change]


def _first_visit(facts: SessionFacts) -> _Section:
    waiting = (
        f"You can stay lying down until {facts.practitioner_name} arrives."
        if facts.home_visit
        else "You can lie down while you wait."
    )
    return (
        "Your first session is short and gentle.",
        "You can stop, or change anything, at any time.",
        waiting,
        "Keep the rest of the day, and the next one or two days, light.",
        "Most people take two or three sessions to settle in.",
    )


def _bad_day(facts: SessionFacts) -> _Section:
    """The way out on a bad day: the client's link, or the phone where there is none."""
    offer = "A bad day? Cancel, shorten or switch to a call. There is no charge."
    if facts.manage_url:
        return (_Link(offer, "Change or cancel your session", facts.manage_url),)
    return (offer, f"Call {facts.practice_phone}.")


def _client_calendar_note(facts: SessionFacts) -> str:
    if facts.manage_url:
        return (
            f"Change or cancel, free of charge: {facts.manage_url}\nPhone: {facts.practice_phone}"
        )
    return f"Change or cancel, free of charge: call {facts.practice_phone}"


def _client_place(facts: SessionFacts) -> str:
    if facts.home_visit:
        return "Your home"
    return _studio(facts)


# --- The therapist's message ---------------------------------------------------------------


def _therapist_message(
    facts: SessionFacts, change: Change, now: datetime, kind: str, method: str
) -> Outgoing:
    name = _one_line(facts.client_first_name)
    lead = {
        Change.BOOKED: f"New booking for {name}.",
        Change.MOVED: f"{name}'s session has moved to a new time.",
        Change.SHORTENED: f"{name}'s session is now shorter.",
        Change.LENGTHENED: f"{name} said yes to a little more: the session is now longer.",
        Change.HELD: f"{name}'s session is waiting for you to confirm it.",
        Change.CONFIRMED: f"{name}'s session is confirmed.",
        Change.CANCELLED: f"{name}'s session is cancelled.",
    }[change]
    sections: list[_Section] = [(lead,), _facts(facts, now, for_client=False)]
    if facts.first_visit and change != Change.CANCELLED:
        sections.append(("This is their first visit.",))
    if facts.held and change != Change.CANCELLED:
        sections.append(("Please confirm it from the dashboard.",))
    sections.append(
        (_Link("The details are on the dashboard.", "Open the dashboard", facts.dashboard_url),)
    )
    prefix = {
        Change.BOOKED: "New booking to confirm" if facts.held else "New booking",
        Change.MOVED: "Moved",
        Change.SHORTENED: "Shortened",
        Change.LENGTHENED: "Longer",
        Change.HELD: "To confirm",
        Change.CONFIRMED: "Confirmed",
        Change.CANCELLED: "Cancelled",
    }[change]
    subject = f"{prefix}: {name}, {_one_line(facts.service_name)}, {_when(facts, now)}"
    entry = replace(calendar_entry(facts, for_client=False), attendees=(facts.practitioner_email,))
    return _outgoing(kind, facts.practitioner_email, subject, sections, entry, now, method)


def _therapist_place(facts: SessionFacts) -> str:
    # The client's address is contact detail: it stays on the dashboard.
    if facts.home_visit:
        return "Home visit (address on the dashboard)"
    return _studio(facts)


def _studio(facts: SessionFacts) -> str:
    return ", ".join(part for part in (facts.practice_name, facts.practice_address) if part)


# --- Shared pieces -------------------------------------------------------------------------


def _facts(facts: SessionFacts, now: datetime, *, for_client: bool) -> _Section:
    """When, where, how long: the lines a reader looks for first."""
    end_local = facts.end_utc.astimezone(facts.zone).time()
    when = f"When: {_when(facts, now)}, until {clock_in_words(end_local)}"
    place = _client_place(facts) if for_client else _therapist_place(facts)
    length = f"Length: {facts.minutes} minutes"
    if facts.hands_on_minutes and facts.hands_on_minutes < facts.minutes:
        length += f", with about {facts.hands_on_minutes} minutes of massage"
    session = f"Session: {facts.service_name}"
    if for_client:
        session += f" with {facts.practitioner_name}"
    return (when, f"Where: {place}", length, session)


def _when(facts: SessionFacts, now: datetime) -> str:
    """Monday 23 November at 10:15am, in the practice's time zone (with the year if not this)."""
    return moment_in_words(facts.start_utc, facts.zone, now.astimezone(facts.zone).date())


_WHITESPACE = re.compile(r"\s+")


def _one_line(value: str) -> str:
    """A value safe for a subject line: any run of spaces or line breaks becomes one space."""
    return _WHITESPACE.sub(" ", value).strip()


def _outgoing(
    kind: str,
    recipient: str,
    subject: str,
    sections: list[_Section],
    entry: CalendarEntry,
    now: datetime,
    method: str,
) -> Outgoing:
    """An email with the calendar invite for `entry`."""
    plain = _plain(kind, recipient, subject, sections)
    return replace(plain, calendar=invite_calendar(entry, now, method), method=method)


def _text(sections: list[_Section]) -> str:
    def line(item: _Line) -> str:
        if isinstance(item, _Link):
            # A link on its own (a one-tap answer) reads as "label: address".
            return f"{item.text}\n{item.url}" if item.text else f"{item.label}: {item.url}"
        return item

    return "\n\n".join("\n".join(line(item) for item in section) for section in sections) + "\n"


def _html(subject: str, sections: list[_Section]) -> str:
    def line(item: _Line) -> str:
        if isinstance(item, _Link):
            url = html.escape(item.url, quote=True)
            anchor = f'<a href="{url}">{html.escape(item.label)}</a>'
            return f"{html.escape(item.text)}<br>{anchor}" if item.text else anchor
        return html.escape(item)

    paragraphs = "\n".join(
        "<p>" + "<br>\n".join(line(item) for item in section) + "</p>" for section in sections
    )
    return (
        '<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(_one_line(subject))}</title>\n</head>\n"
        '<body style="font-family: sans-serif; font-size: 18px; line-height: 1.5;">\n'
        f"{paragraphs}\n</body>\n</html>\n"
    )


# --- Reminders and follow-ups (the client only; no calendar) --------------------------------

CHECKIN_ANSWERS = {
    "as_planned": "As planned",
    "gentler": "Shorter and gentler, please",
    "phone": "Switch to a phone call",
    "postpone": "Postpone it, no charge",
}
FOLLOWUP_ANSWERS = {
    "fine": "Fine",
    "tired": "More tired than usual",
    "crash": "A crash",
}
OFFER_ANSWERS = {"yes": "Yes, please", "keep": "Keep it as it is"}
WORSE = frozenset({"tired", "crash"})  # follow-up answers we then ask how long it lasted
LASTED_ANSWERS = {
    "hours": "A few hours",
    "day_or_two": "A day or two",
    "week": "About a week",
    "longer": "Longer, or still going",
}


def reminder_message(
    facts: SessionFacts, now: datetime, answer_links: dict[str, str]
) -> Outgoing | None:
    """The day-before reminder with a one-tap check-in; None without the client's email.

    A session still held for the therapist's review gets no "see you tomorrow": it says the
    therapist is still reading the answers and will be in touch first. Releasing the session
    changes its sequence, which queues the ordinary reminder in place of this one.
    """
    if not facts.client_email:
        return None
    if facts.held:
        subject = f"About tomorrow: {facts.service_name} with {facts.practitioner_name}"
        sections = [
            (f"Hello {facts.client_first_name},", *_held_lines(facts)),
            _facts(facts, now, for_client=True),
            _bad_day(facts),
        ]
        return _plain("client_reminder", facts.client_email, subject, sections)
    subject = f"Tomorrow: {facts.service_name} with {facts.practitioner_name}"
    sections: list[_Section] = [
        (f"Hello {facts.client_first_name},", "A reminder of your session tomorrow."),
        _facts(facts, now, for_client=True),
    ]
    if facts.first_visit:
        sections.append(_first_visit(facts))
    if facts.crash_last_time:
        sections.append(
            (
                "Last time you told us you felt much worse afterwards.",
                "If you would like tomorrow shorter and gentler, just say so below.",
                "It is your choice; nothing changes unless you ask.",
            )
        )
    if facts.offer:
        sections.append(
            (
                _offer_question(facts.offer),
                "It is your choice. Keeping it as it is is just as welcome.",
                *tuple(
                    _Link("", words, facts.offer.links[answer])
                    for answer, words in OFFER_ANSWERS.items()
                    if answer in facts.offer.links
                ),
            )
        )
    sections.append(
        (
            "How are you feeling about tomorrow? One tap tells us:",
            *tuple(
                _Link("", words, answer_links[answer])
                for answer, words in CHECKIN_ANSWERS.items()
                if answer in answer_links
            ),
        )
    )
    sections.append(_bad_day(facts))
    return _plain("client_reminder", facts.client_email, subject, sections)


def _offer_question(offer: MoreOffer) -> str:
    return (
        f"Would you like a little more massage tomorrow? About {offer.minutes} minutes "
        f"hands-on instead of {offer.from_minutes}."
    )


def _held_lines(facts: SessionFacts) -> tuple[str, ...]:
    who = facts.practitioner_name
    return (
        f"{who} is still reading your answers before your session tomorrow.",
        f"{who} will call or write to you before the session.",
        "You do not need to do anything. Your time is kept for you.",
    )


def followup_message(
    facts: SessionFacts, now: datetime, answer_links: dict[str, str]
) -> Outgoing | None:
    """About 48 hours after: how were you one or two days later? None without an email."""
    if not facts.client_email:
        return None
    subject = "How were you after your session?"
    sections: list[_Section] = [
        (f"Hello {facts.client_first_name},", "How were you one or two days after your session?"),
        (
            "One tap tells us:",
            *tuple(
                _Link("", words, answer_links[answer])
                for answer, words in FOLLOWUP_ANSWERS.items()
                if answer in answer_links
            ),
        ),
        (
            "Feeling worse is useful to know, not a failure.",
            "Tell us, and next time will be gentler.",
            "Please see your GP about any new symptoms.",
        ),
    ]
    return _plain("client_followup", facts.client_email, subject, sections)


def checkin_alert_message(facts: SessionFacts, answer: str, now: datetime) -> Outgoing:
    """The therapist told what a client's check-in answer changed (no health details). Its
    kind names the answer, so the message is dropped if the client answers otherwise.

    "gentler": the client asked for a shorter, gentler session (shortened when a shorter
    session of the same kind fits); "phone": a phone call instead of the session.
    """
    name = _one_line(facts.client_first_name)
    when = _when(facts, now)
    if answer == "phone":
        subject = f"Phone call instead: {name}, {when}"
        lead = (
            f"{name} asked at the day-before check-in for a phone call instead of the session.",
            "Please phone them at the session time. Their number is on the dashboard.",
        )
    else:
        subject = f"Shorter and gentler: {name}, {when}"
        lead = (
            f"{name} asked at the day-before check-in for a shorter, gentler session.",
            f"The session is now {facts.minutes} minutes"
            + (
                f", with about {facts.hands_on_minutes} minutes of massage."
                if facts.hands_on_minutes and facts.hands_on_minutes < facts.minutes
                else "."
            ),
        )
    sections: list[_Section] = [
        lead,
        _facts(facts, now, for_client=False),
        (_Link("The details are on the dashboard.", "Open the dashboard", facts.dashboard_url),),
    ]
    return _plain(f"therapist_checkin_{answer}", facts.practitioner_email, subject, sections)


# --- By phone: what reception says to clients we cannot email -------------------------------

_CRASH_LAST_TIME = (
    "Last time you told us you felt much worse afterwards.",
    "If you would like tomorrow shorter and gentler, just say so.",
    "It is your choice; nothing changes unless you ask.",
)


def reminder_call_script(facts: SessionFacts, now: datetime) -> list[str]:
    """The day-before reminder as lines to say on the phone: the same facts and wording as
    the email, with the check-in asked as a question."""
    if facts.held:  # the therapist has not finished with the answers: no check-in yet
        lines = [f"About your session tomorrow, {facts.client_first_name}.", *_held_lines(facts)]
        lines += [str(line) for line in _facts(facts, now, for_client=True)]
        return [*lines, "A bad day? Cancel, shorten or switch to a call. There is no charge."]
    lines = [f"A reminder of your session tomorrow, {facts.client_first_name}."]
    lines += [str(line) for line in _facts(facts, now, for_client=True)]
    if facts.first_visit:
        lines += list(_first_visit(facts))
    if facts.crash_last_time:
        lines += list(_CRASH_LAST_TIME)
    if facts.offer:
        lines += [_offer_question(facts.offer), "Or would you rather keep it as it is?"]
    lines += [
        "How are you feeling about tomorrow? As planned, shorter and gentler, "
        "a phone call instead, or postpone it?",
        "A bad day? Cancel, shorten or switch to a call. There is no charge.",
    ]
    return lines


def followup_call_script(facts: SessionFacts) -> list[str]:
    """The follow-up as lines to say on the phone."""
    return [
        f"How were you one or two days after your session, {facts.client_first_name}?",
        "Fine, more tired than usual, or a crash?",
        "If worse: how long did it last? A few hours, a day or two, about a week, or longer?",
        "Feeling worse is useful to know, not a failure. Next time will be gentler.",
        "Please see your GP about any new symptoms.",
    ]


def _plain(kind: str, recipient: str, subject: str, sections: list[_Section]) -> Outgoing:
    return Outgoing(
        kind=kind,
        recipient=recipient,
        subject=_one_line(subject),
        text=_text(sections),
        html=_html(subject, sections),
        calendar=None,
        method=None,
    )


def questions_message(
    facts: SessionFacts, questions_url: str, *, nudge: bool = False
) -> Outgoing | None:
    """The link to the client's questions, or (a few days before) one gentle nudge."""
    if not facts.client_email:
        return None
    if nudge:
        subject = "A gentle reminder: your questions before your session"
        opening = (
            f"Hello {facts.client_first_name},",
            "If you have a moment before your session, your questions are still waiting.",
            "If today is not a good day, that is fine: we can go through them together.",
        )
    else:
        subject = "Your questions before your session"
        opening = (
            f"Hello {facts.client_first_name},",
            "Before your session, please answer some questions, so your therapist can set "
            "things up to suit you.",
        )
    sections: list[_Section] = [
        opening,
        (
            "Most are choices. You can stop at any time: we keep your answers.",
            "A carer can fill them in for you, or we can do it with you by phone.",
            _Link("", "Answer the questions", questions_url),
        ),
        (f"Questions? Call {facts.practice_phone}.",),
    ]
    kind = "client_intake_nudge" if nudge else "client_intake_link"
    return _plain(kind, facts.client_email, subject, sections)


# --- Texts (SMS): short, no health details, at most two segments, the manage link --------------

_SMS_NAME = 30  # names are cut to this, so a long one never pushes a text past two segments


def _short(value: str, limit: int = _SMS_NAME) -> str:
    value = _one_line(value)
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "."


def _sms_when(facts: SessionFacts) -> str:
    local = facts.start_utc.astimezone(facts.zone)
    return f"{local:%a} {local.day} {local:%b} {clock_in_words(local.time())}"


def _sms(kind: str, number: str, text: str, shorter: str) -> Outgoing:
    """A text in the GSM alphabet; `shorter` (without names) when it would take more than two
    segments, as a name in another script can make it."""
    body = gsm_text(text)
    if sms_segments(body) > SMS_MAX_SEGMENTS:
        body = gsm_text(shorter)
    return Outgoing(kind, number, "", body, "", None, None, Channel.SMS)


def sms_reminder(facts: SessionFacts, number: str) -> Outgoing:
    """The day-before reminder as a text; the manage link opens the check-in."""
    practice, who = _short(facts.practice_name), _short(facts.practitioner_name)
    if facts.held:
        text = (
            f"{practice}: {who} is still reading your answers before your session tomorrow "
            f"and will call or write first. You need do nothing. {facts.manage_url}"
        )
        shorter = f"Your therapist will call or write before tomorrow. {facts.manage_url}"
    else:
        question = "Would you like a little more massage? " if facts.offer else ""
        text = (
            f"{practice}: a reminder of your session tomorrow, {_sms_when(facts)} with {who}. "
            f"{question}How are you feeling? Tell us, or change it free: {facts.manage_url}"
        )
        shorter = f"Your session is tomorrow, {_sms_when(facts)}. {facts.manage_url}"
    return _sms("client_reminder", number, text, shorter)


def sms_followup(facts: SessionFacts, number: str) -> Outgoing:
    """How were you? as a text; the manage link asks it in one tap."""
    text = (
        f"{_short(facts.practice_name)}: how were you one or two days after your session? "
        f"One tap tells us: {facts.manage_url}"
    )
    return _sms("client_followup", number, text, f"How were you? {facts.manage_url}")


def sms_questions_nudge(facts: SessionFacts, number: str, questions_url: str) -> Outgoing:
    """The one gentle nudge about the questionnaire, as a text."""
    text = (
        f"{_short(facts.practice_name)}: your questions before your session are still "
        f"waiting, at your own pace. No pressure: {questions_url}"
    )
    return _sms("client_intake_nudge", number, text, f"Your questions: {questions_url}")


def phone_task(kind: str, number: str, script: list[str]) -> Outgoing:
    """A call for the desk to make: `kind` as the email it stands for, the script as text."""
    return Outgoing(kind, number, "", "\n".join(script), "", None, None, Channel.PHONE)


# --- The waiting list: you are on it, a time has freed, that time has gone ----------------------


@dataclass(frozen=True)
class WaitlistFacts:
    """What the waiting list's messages may say: the session and time, never anything about
    health. `start_utc` is None for the message that says they are on the list."""

    client_first_name: str
    service_name: str
    minutes: int
    practitioner_name: str | None  # None: anyone free
    zone: ZoneInfo
    practice_name: str
    practice_phone: str
    place_url: str  # their place on the list: see it, or leave
    start_utc: datetime | None = None
    take_url: str = ""
    expires_at: datetime | None = None


def _waitlist_session(facts: WaitlistFacts) -> str:
    who = f" with {facts.practitioner_name}" if facts.practitioner_name else ""
    return f"{facts.service_name} ({facts.minutes} minutes){who}"


def waitlist_joined_message(facts: WaitlistFacts, recipient: str, channel: Channel) -> Outgoing:
    """ "You are on the list": what they asked for, that nothing is booked until they say yes,
    and the link to leave."""
    if channel == Channel.SMS:
        text = (
            f"{_short(facts.practice_name)}: you are on the list for "
            f"{_short(facts.service_name)}. We will text when a time that suits you frees. "
            f"To leave the list: {facts.place_url}"
        )
        return _sms("client_waitlist_joined", recipient, text, f"On the list: {facts.place_url}")
    sections: list[_Section] = [
        (
            f"Hello {facts.client_first_name},",
            f"You are on our waiting list for {_waitlist_session(facts)}.",
        ),
        (
            "When a time that suits you frees, we will send you one link to take it.",
            "Nothing is booked until you press it. Saying no, or not answering, is fine.",
        ),
        (
            _Link(
                "See your place on the list, or leave it", "Your place on the list", facts.place_url
            ),
        ),
        (f"Questions? Call {facts.practice_phone}.",),
    ]
    return _plain("client_waitlist_joined", recipient, "You are on the waiting list", sections)


def waitlist_offer_message(
    facts: WaitlistFacts, recipient: str, channel: Channel, now: datetime
) -> Outgoing:
    """A time has freed: the key facts first, one link to take it, and until when (by email or
    text; a client the desk phones is offered the time on the phone)."""
    assert facts.start_utc is not None and facts.expires_at is not None
    today = now.astimezone(facts.zone).date()
    when = moment_in_words(facts.start_utc, facts.zone, today)
    until = moment_in_words(facts.expires_at, facts.zone, today)
    if channel == Channel.SMS:
        local = facts.start_utc.astimezone(facts.zone)
        short_when = f"{local:%a} {local.day} {local:%b} {clock_in_words(local.time())}"
        text = (
            f"{_short(facts.practice_name)}: a time has freed, {short_when}, "
            f"{_short(facts.service_name)}. It is yours if you take it first: {facts.take_url}"
        )
        return _sms("client_waitlist_offer", recipient, text, f"A time has freed: {facts.take_url}")
    sections: list[_Section] = [
        (f"Hello {facts.client_first_name},", "A time you were waiting for has freed:"),
        (f"When: {when}", f"Session: {_waitlist_session(facts)}"),
        (
            _Link("", "Take this time", facts.take_url),
            "We have told a few people on the list. The first to press takes it.",
            f"The link works until {until}. Nothing is booked unless you press it.",
        ),
        (
            "Not this time? You need do nothing: you stay on the list.",
            _Link("", "Leave the waiting list", facts.place_url),
        ),
        (f"Questions? Call {facts.practice_phone}.",),
    ]
    return _plain("client_waitlist_offer", recipient, f"A time has freed: {when}", sections)


def waitlist_gone_message(
    facts: WaitlistFacts, recipient: str, channel: Channel, now: datetime
) -> Outgoing:
    """The time offered has gone to someone else: said kindly, and they stay on the list."""
    assert facts.start_utc is not None
    when = moment_in_words(facts.start_utc, facts.zone, now.astimezone(facts.zone).date())
    if channel == Channel.SMS:
        text = (
            f"{_short(facts.practice_name)}: sorry, the time we offered has gone. You are "
            "still on the list; we will text when another frees. No need to reply."
        )
        return _sms(
            "client_waitlist_gone", recipient, text, "That time has gone. Still on the list."
        )
    sections: list[_Section] = [
        (
            f"Hello {facts.client_first_name},",
            f"Sorry: the time we offered you, {when}, has gone to someone else.",
        ),
        (
            "You are still on the waiting list. We will tell you when another time frees.",
            "You need do nothing.",
        ),
        (_Link("", "Your place on the list", facts.place_url),),
    ]
    return _plain("client_waitlist_gone", recipient, "That time has gone", sections)
