"""The practice settings admin may change: what each one means, how it is read and checked.

Pure: text in, values out. Each setting is stored as text under its key (practice_settings);
anything not stored, or stored in a form that no longer reads, falls back to the default the
app was configured with (config.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time, timedelta
from enum import StrEnum


class SettingError(ValueError):
    """A value that cannot be used; the message says why in plain words."""


class Kind(StrEnum):
    """How a setting's value is written."""

    WHOLE_NUMBER = "whole_number"
    LOCAL_TIME = "local_time"  # a time of day such as 10:00
    OPTIONAL_LOCAL_TIME = "optional_local_time"  # the same, or empty for none
    ORIGINS = "origins"  # web site origins, comma-separated, or empty for none


@dataclass(frozen=True)
class SettingDefinition:
    """One setting: its key, the config value it falls back to, and its words."""

    key: str
    config_name: str | None  # None: no config default (the default is `fallback`)
    label: str
    explanation: str  # one plain line, shown under the field
    in_words: str  # as the audit trail names it: "minimum notice: 12 → 24 hours"
    kind: Kind
    unit: str = ""
    minimum: int = 0
    maximum: int = 0
    fallback: object = None


DEFINITIONS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        key="first_month_gap_days",
        config_name="FIRST_MONTH_MIN_GAP_DAYS",
        label="Days between sessions in a client's first month",
        explanation="A new client's sessions stay at least this many days apart in their "
        "first month, so each can settle. 0 means no gap.",
        in_words="first-month gap",
        kind=Kind.WHOLE_NUMBER,
        unit="days",
        minimum=0,
        maximum=60,
    ),
    SettingDefinition(
        key="min_notice_hours",
        config_name="BOOKING_MIN_NOTICE_HOURS",
        label="Minimum notice for a booking, in hours",
        explanation="Clients can book a time this many hours ahead or more.",
        in_words="minimum notice",
        kind=Kind.WHOLE_NUMBER,
        unit="hours",
        minimum=0,
        maximum=336,
    ),
    SettingDefinition(
        key="max_advance_days",
        config_name="BOOKING_MAX_ADVANCE_DAYS",
        label="How far ahead clients can book, in days",
        explanation="Times further ahead than this are not offered.",
        in_words="maximum advance",
        kind=Kind.WHOLE_NUMBER,
        unit="days",
        minimum=1,
        maximum=365,
    ),
    SettingDefinition(
        key="reminder_local_time",
        config_name="REMINDER_LOCAL_TIME",
        label="Time of the day-before reminder",
        explanation="The reminder and check-in go out at this time the day before, or when "
        "the client's quiet hours end.",
        in_words="reminder time",
        kind=Kind.LOCAL_TIME,
    ),
    SettingDefinition(
        key="followup_hours",
        config_name="FOLLOWUP_HOURS",
        label="Follow-up after a session, in hours",
        explanation="We ask 'how were you one or two days later?' this many hours after a "
        "session ends.",
        in_words="follow-up after",
        kind=Kind.WHOLE_NUMBER,
        unit="hours",
        minimum=12,
        maximum=168,
    ),
    SettingDefinition(
        key="intake_nudge_days",
        config_name="INTAKE_NUDGE_DAYS",
        label="Questionnaire reminder, in days before the session",
        explanation="If the questionnaire is not sent yet, one gentle reminder goes this many "
        "days before the session.",
        in_words="questionnaire reminder",
        kind=Kind.WHOLE_NUMBER,
        unit="days before",
        minimum=2,
        maximum=30,
    ),
    SettingDefinition(
        key="default_quiet_from",
        config_name=None,
        label="Quiet hours for clients who gave none: from (optional)",
        explanation="No messages from this time for clients who did not choose their own "
        "quiet hours. Leave both times empty for none.",
        in_words="default quiet hours from",
        kind=Kind.OPTIONAL_LOCAL_TIME,
    ),
    SettingDefinition(
        key="default_quiet_until",
        config_name=None,
        label="Quiet hours for clients who gave none: until (optional)",
        explanation="Messages held in quiet hours go out at this time.",
        in_words="default quiet hours until",
        kind=Kind.OPTIONAL_LOCAL_TIME,
    ),
    SettingDefinition(
        key="embed_origins",
        config_name="EMBED_ALLOWED_ORIGINS",
        label="Web sites that may show the booking pages (optional)",
        explanation="The addresses of your own web sites, such as https://www.example.co.uk, "
        "separated by commas. Only these may show the booking pages inside theirs. Leave "
        "empty for none.",
        in_words="sites showing the booking pages",
        kind=Kind.ORIGINS,
    ),
)
BY_KEY: dict[str, SettingDefinition] = {definition.key: definition for definition in DEFINITIONS}


@dataclass(frozen=True)
class PracticeSettings:
    """Every setting's value in force: stored by admin, or the configured default."""

    first_month_gap_days: int
    min_notice_hours: int
    max_advance_days: int
    reminder_local_time: time
    followup_hours: int
    intake_nudge_days: int
    default_quiet_from: time | None
    default_quiet_until: time | None
    embed_origins: tuple[str, ...]

    @property
    def first_month_gap(self) -> timedelta:
        """The least time between a client's sessions in their first month."""
        return timedelta(days=self.first_month_gap_days)

    @property
    def min_notice(self) -> timedelta:
        """How soon the earliest bookable time is."""
        return timedelta(hours=self.min_notice_hours)

    @property
    def max_advance(self) -> timedelta:
        """How far ahead the latest bookable time is."""
        return timedelta(days=self.max_advance_days)

    @property
    def followup_after(self) -> timedelta:
        """How long after a session the follow-up goes."""
        return timedelta(hours=self.followup_hours)

    def quiet_hours_for(
        self, client_quiet: tuple[time | None, time | None]
    ) -> tuple[time | None, time | None]:
        """The client's own quiet hours if they gave any, else the practice's default."""
        if client_quiet[0] is not None and client_quiet[1] is not None:
            return client_quiet
        return self.default_quiet_from, self.default_quiet_until

    def as_dict(self) -> dict[str, object]:
        """Each value under its key."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


# --- Web site origins that may frame the booking pages -----------------------------------------

# The whole list is stored in one practice_settings value (200 characters).
MAX_ORIGINS_LENGTH = 200
# Plain http only for a developer's own machine; every real web site is https.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_ORIGIN = re.compile(
    rf"^(?P<scheme>https?)://(?P<host>{_HOST_LABEL}(?:\.{_HOST_LABEL})*|\[::1\])"
    r"(?::(?P<port>[0-9]{1,5}))?$"
)
ORIGIN_EXAMPLE = "https://www.example.co.uk"


def parse_origin(raw: str) -> str:
    """One web site origin, written as a browser writes it (https://host or https://host:port,
    lower case, no path); SettingError in plain words if it cannot be one.

    The result goes into a Content-Security-Policy header, so nothing but letters, digits,
    dots, hyphens, a colon and a port number ever gets through.
    """
    text = raw.strip()
    if text.endswith("/") and text.count("/") == 3:
        text = text[:-1]  # https://example.com/ is how browsers show the home page
    match = _ORIGIN.match(text.lower())
    shown = text if len(text) <= 60 else text[:57] + "..."
    if match is None:
        raise SettingError(
            f"“{shown}” is not a web site address we can use. Please write it as "
            f"{ORIGIN_EXAMPLE}: https://, the site's name, and nothing after it."
        )
    scheme, host, port = match["scheme"], match["host"], match["port"]
    if port is not None and not 0 < int(port) < 65536:
        raise SettingError(f"“{shown}” has a port number that cannot be right.")
    if scheme == "http" and host not in LOCAL_HOSTS:
        raise SettingError(
            f"“{shown}” starts with http://. Please use the https:// address of the site."
        )
    if host not in LOCAL_HOSTS and "." not in host:
        raise SettingError(f"“{shown}” is missing the end of its name, such as .co.uk.")
    default_port = {"https": "443", "http": "80"}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def parse_origins(raw: str) -> tuple[str, ...]:
    """Web site origins separated by commas (or spaces, or lines), each checked, repeats
    dropped; empty for none. SettingError names the first that cannot be used."""
    if len(raw.strip()) > MAX_ORIGINS_LENGTH:
        raise SettingError(
            f"Please keep the list to {MAX_ORIGINS_LENGTH} characters or fewer "
            "(a few sites at most)."
        )
    origins: list[str] = []
    for part in re.split(r"[,\s]+", raw.strip()):
        if part and (origin := parse_origin(part)) not in origins:
            origins.append(origin)
    return tuple(origins)


# --- Reading and writing values -----------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(raw: str) -> time:
    """A time of day from 10:00, 9:30, 09.30, 14:15, 9am or 2.30pm; SettingError if not one."""
    match = _TIME.match(raw.strip().lower().replace(" ", ""))
    if match is None:
        raise SettingError("Please write a time of day such as 09:30 or 14:00.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise SettingError("Please write a time of day such as 09:30 or 14:00.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        raise SettingError("Please write the minutes too, for example 09:00.")
    if hour > 23 or minute > 59:
        raise SettingError("Please write a time of day between 00:00 and 23:59.")
    return time(hour, minute)


def parse(definition: SettingDefinition, raw: str) -> object:
    """The value `raw` stands for, checked against the setting's limits; SettingError if not."""
    text = raw.strip()
    if definition.kind == Kind.ORIGINS:
        return parse_origins(text)
    if definition.kind == Kind.OPTIONAL_LOCAL_TIME:
        return parse_time(text) if text else None
    if definition.kind == Kind.LOCAL_TIME:
        if not text:
            raise SettingError("Please write a time of day such as 10:00.")
        return parse_time(text)
    if not text:
        raise SettingError(f"Please write a whole number of {definition.unit}.")
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        raise SettingError(
            f"Please write a whole number from {definition.minimum} to {definition.maximum}."
        )
    number = int(text)
    if not definition.minimum <= number <= definition.maximum:
        raise SettingError(
            f"Please choose a number from {definition.minimum} to {definition.maximum}."
        )
    return number


def as_text(value: object) -> str:
    """A value as it is stored and shown in a form field: 24, 09:30, or empty for none."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def value_in_words(definition: SettingDefinition, value: object) -> str:
    """A value as a person reads it: "24 hours", "09:30", "none"."""
    if value is None or value == ():
        return "none"
    if definition.unit:
        return f"{as_text(value)} {definition.unit}"
    return as_text(value)


def resolve(stored: Mapping[str, str], defaults: Mapping[str, object]) -> PracticeSettings:
    """The settings in force: each stored value that still reads, else its default.

    `defaults` holds the configured values by config name (config.py).
    """
    values: dict[str, object] = {}
    for definition in DEFINITIONS:
        default = (
            defaults[definition.config_name] if definition.config_name else definition.fallback
        )
        raw = stored.get(definition.key)
        if raw is None:
            values[definition.key] = default
            continue
        try:
            values[definition.key] = parse(definition, raw)
        except SettingError:
            values[definition.key] = default  # written by hand or by an older version
    return PracticeSettings(**values)  # type: ignore[arg-type]


def cross_problems(values: Mapping[str, object]) -> dict[str, str]:
    """Problems between settings, by the key the message belongs next to."""
    problems: dict[str, str] = {}
    notice, advance = values.get("min_notice_hours"), values.get("max_advance_days")
    if isinstance(notice, int) and isinstance(advance, int) and notice >= advance * 24:
        problems["min_notice_hours"] = (
            "The minimum notice must be shorter than how far ahead clients can book, "
            "or no time could ever be booked."
        )
    quiet_from, quiet_until = values.get("default_quiet_from"), values.get("default_quiet_until")
    if (quiet_from is None) != (quiet_until is None):
        missing = "default_quiet_until" if quiet_until is None else "default_quiet_from"
        problems[missing] = "Please give both times, or leave both empty for no quiet hours."
    elif quiet_from is not None and quiet_from == quiet_until:
        problems["default_quiet_until"] = "Please choose an end time different from the start."
    return problems


def changes(before: PracticeSettings, after: PracticeSettings) -> list[str]:
    """What changed, in audit words: "minimum notice: 12 → 24 hours"."""
    old, new = before.as_dict(), after.as_dict()
    described = []
    for definition in DEFINITIONS:
        if old[definition.key] == new[definition.key]:
            continue
        was = old[definition.key]
        now = value_in_words(definition, new[definition.key])
        if definition.unit and was is not None:
            described.append(f"{definition.in_words}: {as_text(was)} → {now}")
        else:
            described.append(f"{definition.in_words}: {value_in_words(definition, was)} → {now}")
    return described


def fingerprint(settings: PracticeSettings) -> str:
    """A short digest of the values in force, so a form can tell they changed meanwhile."""
    text = "|".join(f"{key}={as_text(value)}" for key, value in sorted(settings.as_dict().items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
