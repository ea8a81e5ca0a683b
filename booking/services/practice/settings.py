"""The practice settings in force, and admin's changes to them.

`current()` reads every stored setting in one query and falls back to the configured default
(config.py) for each one not stored, so a practice that never opens the settings page behaves
exactly as configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from flask import current_app
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from booking.domain.audit import AuditAction
from booking.domain.settings import (
    BY_KEY,
    DEFINITIONS,
    PracticeSettings,
    SettingError,
    as_text,
    changes,
    cross_problems,
    fingerprint,
    parse,
    resolve,
)
from booking.extensions import db
from booking.models import PracticeSetting
from booking.services.staff import audit
from booking.transactions import retry_conflicts, write_transaction

__all__ = ["PracticeSettings", "StaleSettings", "current", "save", "settings_from"]


class StaleSettings(Exception):
    """Someone else changed the settings after the form was opened; nothing was saved."""

    def __init__(self, latest: PracticeSettings) -> None:
        super().__init__("the settings changed meanwhile")
        self.latest = latest


def configured_defaults() -> dict[str, object]:
    """Each setting's default from the app's configuration, by config name."""
    config = current_app.config
    return {d.config_name: config[d.config_name] for d in DEFINITIONS if d.config_name}


# The settings read in the current transaction: a booking asks for them several times
# (notice, pacing, reminders), and within one transaction they are one answer.
_READ = "practice_settings"


def current() -> PracticeSettings:
    """The settings in force (one query, the first time in a transaction)."""
    read = db.session.info.get(_READ)
    if read is not None:
        return read
    stored = db.session.execute(select(PracticeSetting.key, PracticeSetting.value))
    return settings_from({key: value for key, value in stored})


def settings_from(stored: Mapping[str, str]) -> PracticeSettings:
    """The settings in force, given the stored rows (key to value), say loaded along with
    something else in this transaction; later asks in the transaction reuse them."""
    settings = resolve(stored, configured_defaults())
    db.session.info[_READ] = settings
    return settings


@event.listens_for(Session, "after_transaction_end")
def _forget_read_settings(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_READ, None)


def _checked(values: Mapping[str, object], before: PracticeSettings) -> PracticeSettings:
    """The settings with these values applied, each checked as the form checks it."""
    unknown = set(values) - set(BY_KEY)
    if unknown:
        raise SettingError(f"unknown settings: {', '.join(sorted(unknown))}")
    for key, value in values.items():
        parse(BY_KEY[key], as_text(value))  # the same limits whatever the caller
    after = replace(before, **values)  # type: ignore[arg-type]
    problems = cross_problems(after.as_dict())
    if problems:
        raise SettingError(next(iter(problems.values())))
    return after


@retry_conflicts
def save(values: Mapping[str, object], seen: str, staff_user_id: int, now: datetime) -> list[str]:
    """Store the changed settings and audit them; the changes in words (empty if none).

    `seen` is the fingerprint of the settings the form showed: if they changed meanwhile,
    StaleSettings is raised and nothing is saved. SettingError for a value out of limits.
    """
    with write_transaction():
        if db.session.get_bind().dialect.name == "postgresql":
            # Saves queue one behind the other, so the check below sees the latest values.
            db.session.execute(text("LOCK TABLE practice_settings IN SHARE ROW EXCLUSIVE MODE"))
        rows = {row.key: row for row in db.session.scalars(select(PracticeSetting))}
        before = resolve({key: row.value for key, row in rows.items()}, configured_defaults())
        if fingerprint(before) != seen:
            raise StaleSettings(before)
        after = _checked(values, before)
        described = changes(before, after)
        if not described:
            return []
        old, new = before.as_dict(), after.as_dict()
        for definition in DEFINITIONS:
            key = definition.key
            if old[key] == new[key]:
                continue
            row = rows.get(key)
            if row is None:
                row = PracticeSetting(key=key)
                db.session.add(row)
            row.value = as_text(new[key])
            row.updated_by_id = staff_user_id
        db.session.info.pop(_READ, None)  # changed: read them afresh
        audit.record(
            audit.actor_for(staff_user_id),
            AuditAction.CHANGED_SETTINGS,
            now,
            detail="; ".join(described),
        )
    return described
