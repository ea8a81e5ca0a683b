"""How a message reaches a client: email, a text (SMS) or a phone call by the desk.

Reminders, nudges, check-ins and follow-ups go by the channels the client chose; messages
about booking, moving or cancelling always go by email when there is an address.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"


def parse_channels(stored: str | None) -> frozenset[Channel] | None:
    """The channels a client row keeps ("email,sms"); None when they have not chosen."""
    if stored is None:
        return None
    known = {channel.value for channel in Channel}
    return frozenset(Channel(part) for part in stored.split(",") if part in known)


def store_channels(channels: Iterable[str]) -> str:
    """The chosen channels as a client row keeps them, in a fixed order."""
    chosen = set(channels)
    return ",".join(channel.value for channel in Channel if channel.value in chosen)


def reminder_channels(
    chosen: frozenset[Channel] | None, *, has_email: bool, has_phone: bool
) -> tuple[Channel, ...]:
    """The channels that carry a client's reminders, in a fixed order.

    The chosen ones that can reach them; if none can (or they have not chosen), email when
    there is an address, else a phone call. An empty choice is "no reminders" and is
    decided by the caller before this.
    """
    reachable = {
        Channel.EMAIL: has_email,
        Channel.SMS: has_phone,
        Channel.PHONE: has_phone,
    }
    picked = tuple(c for c in Channel if chosen and c in chosen and reachable[c])
    if picked:
        return picked
    if has_email:
        return (Channel.EMAIL,)
    if has_phone:
        return (Channel.PHONE,)
    return ()


# --- Texts --------------------------------------------------------------------------------

# The GSM 03.38 basic character set: a text of only these is 160 characters a segment (153
# when split); any other character makes it UCS-2, 70 a segment (67 when split).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")  # two characters each
SMS_MAX_SEGMENTS = 2


def is_gsm(text: str) -> bool:
    return all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text)


def sms_segments(text: str) -> int:
    """How many SMS segments a text takes."""
    if is_gsm(text):
        length = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)
        return 1 if length <= 160 else -(-length // 153)
    length = len(text.encode("utf-16-le")) // 2
    return 1 if length <= 70 else -(-length // 67)


_PLAIN = str.maketrans(
    {
        "\u2018": "'",  # curly quotes
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",  # dashes
        "\u2014": "-",
        "\u2026": "...",
    }
)


def _plain_letter(ch: str) -> str:
    """A letter outside the GSM alphabet without its accent ("ë" to "e"), when that helps."""
    if ch in _GSM_BASIC or ch in _GSM_EXTENDED:
        return ch
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return bare if bare and all(c in _GSM_BASIC for c in bare) else ch


def gsm_text(text: str) -> str:
    """Typographic punctuation made plain and accents the GSM alphabet lacks dropped, so a
    text stays in it: one letter outside it would make every segment 70 characters."""
    return "".join(_plain_letter(ch) for ch in text.translate(_PLAIN))
