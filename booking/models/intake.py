"""The intake questionnaire: answers (encrypted), consents, the screening list, call requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.domain.intake import Flag, FollowUp, ScreeningGroup
from booking.domain.statuses import ConsentKind, IntakeStatus, ReviewState
from booking.extensions import db
from booking.models._columns import created_at, string_enum, updated_at
from booking.models.clients import Client


class ScreeningQuestion(db.Model):
    """One condition on the therapist's screening list, and the flag it raises.

    Rows are switched off rather than deleted, so answers given earlier can always be read.
    """

    __tablename__ = "screening_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    hint: Mapped[str] = mapped_column(String(200), default="")
    group: Mapped[ScreeningGroup] = mapped_column(string_enum(ScreeningGroup, "screening_group"))
    flag: Mapped[Flag] = mapped_column(string_enum(Flag, "screening_flag"))
    follow_up: Mapped[FollowUp] = mapped_column(
        string_enum(FollowUp, "screening_follow_up"), default=FollowUp.NONE
    )
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    def __repr__(self) -> str:
        return f"<ScreeningQuestion {self.key} {self.flag}>"


class Intake(db.Model):
    """One filling-in of the questionnaire by (or for) a client.

    `answers_encrypted` holds every answer as encrypted JSON (booking/encryption.py); nothing
    about the client's health is stored in the clear. The private link is
    `/intake/<signed id and nonce>`; changing `link_nonce` revokes it.
    """

    __tablename__ = "intakes"
    __table_args__ = (Index("ix_intakes_client", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    questionnaire_version: Mapped[int]
    status: Mapped[IntakeStatus] = mapped_column(
        string_enum(IntakeStatus, "intake_status"), default=IntakeStatus.DRAFT
    )
    answers_encrypted: Mapped[str] = mapped_column(Text)
    # A returning client's intake starts from their last one.
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id", ondelete="SET NULL"))
    reconfirm_only: Mapped[bool] = mapped_column(default=False)
    current_step: Mapped[str | None] = mapped_column(String(40))
    filled_by_carer: Mapped[bool] = mapped_column(default=False)
    carer_name: Mapped[str | None] = mapped_column(String(120))
    carer_relationship: Mapped[str | None] = mapped_column(String(60))
    # The booking whose pages may show this link: only a new client's first booking. Anyone
    # else gets the link through the contact details already on file, since typing a known
    # email into a booking form proves nothing.
    shown_with_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL")
    )
    link_nonce: Mapped[str] = mapped_column(String(32))
    link_expires_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    review_state: Mapped[ReviewState] = mapped_column(
        string_enum(ReviewState, "review_state"), default=ReviewState.NOT_NEEDED
    )
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    review_note_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    client: Mapped[Client] = relationship()

    def __repr__(self) -> str:
        return f"<Intake {self.id} {self.status}>"


class Consent(db.Model):
    """One consent, with the version of the words agreed to; withdrawn by setting a time."""

    __tablename__ = "consents"
    __table_args__ = (
        Index("ix_consents_client_kind", "client_id", "kind"),
        CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_at >= given_at", name="withdrawn_after_given"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id", ondelete="SET NULL"))
    kind: Mapped[ConsentKind] = mapped_column(string_enum(ConsentKind, "consent_kind"))
    wording_version: Mapped[int]
    # What was agreed beyond yes, e.g. the reminder channels ("email,sms").
    detail: Mapped[str | None] = mapped_column(String(120))
    signed_name: Mapped[str] = mapped_column(String(120))
    on_behalf_relationship: Mapped[str | None] = mapped_column(String(60))
    given_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Consent {self.kind} v{self.wording_version}>"


class CallRequest(db.Model):
    """ "Please ask the therapist to call me": for people who cannot book hands-on themselves."""

    __tablename__ = "call_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32))
    best_time: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at()
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<CallRequest {self.id}>"
