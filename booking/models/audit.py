"""The audit trail: append-only, refused by the database itself if anyone edits or deletes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Enum, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from booking.domain.audit import AuditAction
from booking.extensions import db


class AuditEvent(db.Model):
    """Who viewed, changed or exported what, and when. Never a health answer.

    `client_id` and `booking_id` are plain numbers, not foreign keys: the trail outlives
    records removed at the end of their keeping time.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred", "occurred_at"),
        Index("ix_audit_events_client", "client_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    # None for the system itself (a command run from the shell).
    staff_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="RESTRICT")
    )
    actor: Mapped[str] = mapped_column(String(254))  # the email at the time, or "system"
    # No CHECK on the action: a new kind of event needs no migration of an append-only table.
    action: Mapped[AuditAction] = mapped_column(
        Enum(
            AuditAction,
            native_enum=False,
            create_constraint=False,
            length=40,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    client_id: Mapped[int | None]
    booking_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(String(300), default="")

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action}>"


# Append-only, whatever the application does: the database refuses UPDATE and DELETE.
APPEND_ONLY_MESSAGE = "audit_events is append-only"

_POSTGRES_GUARD = DDL(
    f"""
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    """
).execute_if(dialect="postgresql")

SQLITE_GUARDS = {
    when: (
        f"CREATE TRIGGER audit_events_no_{when.lower()} BEFORE {when} ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    )
    for when in ("UPDATE", "DELETE")
}

event.listen(AuditEvent.__table__, "after_create", _POSTGRES_GUARD)
for _statement in SQLITE_GUARDS.values():
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
