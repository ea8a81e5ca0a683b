"""The therapist's screening list: which conditions are asked, and the flag each raises."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from booking.clock import now_utc
from booking.domain.audit import AuditAction
from booking.domain.intake import (
    DEFAULT_SCREENING,
    NONE_OF_THESE,
    Flag,
    FollowUp,
    ScreeningCondition,
    ScreeningGroup,
)
from booking.extensions import db
from booking.models import ScreeningQuestion
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction


def as_condition(row: ScreeningQuestion) -> ScreeningCondition:
    """The domain's view of a stored row."""
    return ScreeningCondition(
        key=row.key,
        label=row.label,
        group=row.group,
        flag=row.flag,
        follow_up=row.follow_up,
        hint=row.hint,
    )


def screening_conditions(include_inactive: bool = False) -> list[ScreeningCondition]:
    """The list in the order it is asked; switched-off rows only when asked for (to read old
    answers)."""
    query = select(ScreeningQuestion).order_by(ScreeningQuestion.sort_order, ScreeningQuestion.id)
    if not include_inactive:
        query = query.where(ScreeningQuestion.active.is_(True))
    return [as_condition(row) for row in db.session.scalars(query)]


def default_rows() -> list[ScreeningQuestion]:
    """The default list as new rows (migration 0004 inserts the same list into a new database)."""
    return [
        ScreeningQuestion(
            key=condition.key,
            label=condition.label,
            hint=condition.hint,
            group=condition.group,
            flag=condition.flag,
            follow_up=condition.follow_up,
            sort_order=order * 10,
        )
        for order, condition in enumerate(DEFAULT_SCREENING, start=1)
    ]


# --- The therapist's editor: rows are changed or added, never deleted ---------------------------

KEY_LENGTH = 40  # ScreeningQuestion.key
# "none" is the "None of these" answer on the health check page; a condition may not use it.
RESERVED_KEYS = frozenset({NONE_OF_THESE})
ORDER_STEP = 10


class UnknownScreeningRow(LookupError):
    """No screening row has this id."""


@dataclass(frozen=True)
class ScreeningEntry:
    """What the therapist sets for one condition (already checked by the form)."""

    label: str
    hint: str
    group: ScreeningGroup
    flag: Flag
    follow_up: FollowUp
    active: bool
    sort_order: int | None = None  # None: at the end of the list


def rows() -> list[ScreeningQuestion]:
    """Every row, switched-off ones too, in group then list order."""
    query = select(ScreeningQuestion).order_by(ScreeningQuestion.sort_order, ScreeningQuestion.id)
    groups = list(ScreeningGroup)
    return sorted(db.session.scalars(query), key=lambda row: groups.index(row.group))


def find_row(row_id: int) -> ScreeningQuestion | None:
    """One row by id, or None."""
    return db.session.get(ScreeningQuestion, row_id)


def _apply(row: ScreeningQuestion, entry: ScreeningEntry) -> None:
    row.label = entry.label
    row.hint = entry.hint
    row.group = entry.group
    row.flag = entry.flag
    row.follow_up = entry.follow_up
    row.active = entry.active
    if entry.sort_order is not None:
        row.sort_order = entry.sort_order


@retry_conflicts
def update_row(
    row_id: int, entry: ScreeningEntry, by: audit.Actor = audit.SYSTEM_ACTOR
) -> ScreeningQuestion:
    """Change one row. Its key never changes, so answers given earlier still read the same."""
    with write_transaction():
        row = db.session.get(ScreeningQuestion, row_id)
        if row is None:
            raise UnknownScreeningRow(row_id)
        _apply(row, entry)
        audit.record(by, AuditAction.CHANGED_SCREENING, now_utc(), detail=f"changed {row.key}")
    return row


def key_from_label(label: str) -> str:
    """A stable key made from the label's words: 'A recent scar!' → 'a_recent_scar'."""
    # Accents fall away (é → e), curly apostrophes with them; straight ones go too.
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower().replace("'", ""))
    key = "_".join(words)[:KEY_LENGTH].strip("_") or "condition"
    if not key[0].isalpha():
        key = f"condition_{key}"[:KEY_LENGTH].strip("_")
    return key


def _free_key(base: str) -> str:
    """The base key, or the base with the first free number after it."""
    taken = (
        set(
            db.session.scalars(
                select(ScreeningQuestion.key).where(
                    ScreeningQuestion.key.startswith(base, autoescape=True)
                )
            )
        )
        | RESERVED_KEYS
    )
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"_{number}"
        candidate = base[: KEY_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


ADD_ATTEMPTS = 3


def add_row(entry: ScreeningEntry, by: audit.Actor = audit.SYSTEM_ACTOR) -> ScreeningQuestion:
    """Add a condition to the list, with a new key made from its label."""
    for attempt in range(1, ADD_ATTEMPTS + 1):
        try:
            return _add_row(entry, by)
        except IntegrityError:
            # Someone added a row with the same key at the same moment: choose the next one.
            if attempt == ADD_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


@retry_conflicts
def _add_row(entry: ScreeningEntry, by: audit.Actor) -> ScreeningQuestion:
    with write_transaction():
        sort_order = entry.sort_order
        if sort_order is None:
            last = db.session.scalar(select(func.max(ScreeningQuestion.sort_order)))
            sort_order = (last or 0) + ORDER_STEP
        row = ScreeningQuestion(key=_free_key(key_from_label(entry.label)), sort_order=sort_order)
        _apply(row, entry)
        db.session.add(row)
        audit.record(by, AuditAction.CHANGED_SCREENING, now_utc(), detail=f"added {row.key}")
    return row
