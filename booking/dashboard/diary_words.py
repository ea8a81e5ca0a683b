"""The diary's and the slots pages' own words: care flags with their icons, and entry kinds."""

from __future__ import annotations

from booking.domain.diary import CareFlag, EntryKind
from booking.domain.statuses import StaffRole

# Who may change opening hours, openings and closures; everyone else may look.
SLOT_EDITORS = (StaffRole.RECEPTION, StaffRole.ADMIN)

# Each flag is an icon (hidden from screen readers) and the words that say the same thing.
CARE_FLAG_WORDS: dict[CareFlag, tuple[str, str]] = {
    CareFlag.HOME_VISIT: ("⌂", "Home visit"),
    CareFlag.MAYBE_HOME_VISIT: ("⌂", "May need a home visit"),
    CareFlag.STEP_FREE: ("♿", "Step-free access"),
    CareFlag.DIM_ROOM: ("☾", "Dim room"),
    CareFlag.SCENT_FREE: ("✿", "Scent-free"),
    CareFlag.REST_AFTER: ("☁", "Needs to lie down afterwards"),
    CareFlag.REVIEW_PENDING: ("⚑", "Review pending"),
}

ENTRY_WORDS: dict[EntryKind, str] = {
    EntryKind.SESSION: "Session",
    EntryKind.REST_BEFORE: "Rest before",
    EntryKind.REST_AFTER: "Rest after",
    EntryKind.CLOSURE: "Closed",
    EntryKind.FREE: "Free",
    EntryKind.BUSY: "Busy (own calendar)",
}


def diary_words() -> dict[str, object]:
    """The words the diary and slots templates use."""
    return {"care_flag_words": CARE_FLAG_WORDS, "entry_words": ENTRY_WORDS}
