"""Text as people type it, made safe to keep: trimmed, and without invisible control characters."""

from __future__ import annotations

import re

# Control characters (NUL and friends) have no place in a name or a note; PostgreSQL refuses
# NUL outright. Line breaks and tabs stay in notes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


def tidy_line(value: object) -> object:
    """A one-line answer trimmed, with control characters and line breaks removed."""
    if not isinstance(value, str):
        return value
    return _CONTROL_OR_BREAK.sub("", value).strip()


def tidy_note(value: object) -> object:
    """A note trimmed, keeping its line breaks and tabs, other control characters removed."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value).strip()


def first_name(name: str) -> str:
    """The first word of a name: all of a client's name a therapist's calendar or email shows."""
    words = name.split()
    return words[0] if words else "a client"
