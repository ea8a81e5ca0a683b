"""Keeping health data private: re-encrypting it when the key changes."""

from __future__ import annotations

from sqlalchemy import select

from booking.encryption import cipher
from booking.extensions import db
from booking.models import Intake
from booking.transactions import write_transaction

BATCH = 200


def rotate_encryption() -> int:
    """Re-encrypt every encrypted value with the newest key; returns how many were rewritten.

    Runs in batches of one transaction each, so a long run holds no lock for long; a second
    run after an interruption simply finishes the job (rotating twice is harmless).
    """
    rewritten = 0
    last_id = 0
    while True:
        with write_transaction():
            rows = db.session.scalars(
                select(Intake).where(Intake.id > last_id).order_by(Intake.id).limit(BATCH)
            ).all()
            for intake in rows:
                intake.answers_encrypted = cipher().rotate(intake.answers_encrypted)
                rewritten += 1
                if intake.review_note_encrypted:
                    intake.review_note_encrypted = cipher().rotate(intake.review_note_encrypted)
                    rewritten += 1
        if len(rows) < BATCH:
            return rewritten
        last_id = rows[-1].id
