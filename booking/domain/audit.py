"""What the audit trail records, in words admin can read.

An audit event says who did what to which client or booking, and when. It never holds a
health answer, a note's text or a message body: only the kind of action and a short,
non-clinical detail such as "moved from Tue 3 Mar 10:00" or "reason: unwell".
"""

from enum import StrEnum


class AuditAction(StrEnum):
    """Every kind of event the audit trail knows."""

    # Looking at a client's record
    VIEWED_INTAKE = "viewed_intake"  # the clinical view: answers, flags, consents
    VIEWED_CLIENT = "viewed_client"  # the client page (bookings, practical needs)
    VIEWED_PRACTICAL = "viewed_practical"
    VIEWED_SESSION_PLANS = "viewed_session_plans"  # the therapist's day: plans and flags
    VIEWED_SESSION_NOTE = "viewed_session_note"  # a session record
    VIEWED_TIMELINE = "viewed_timeline"  # a client's sessions, records and responses
    # A therapist covering a colleague's client: gives them that client's records for a while
    COVERED_CLIENT = "covered_client"
    EXPORTED_BOOKINGS = "exported_bookings"
    # Bookings changed by staff
    BOOKED = "booked"
    BOOKED_OUTSIDE_HOURS = "booked_outside_hours"  # an explicit, audited override
    RESCHEDULED = "rescheduled"
    SHORTENED = "shortened"
    CANCELLED = "cancelled"
    MARKED_ATTENDED = "marked_attended"
    MARKED_NO_SHOW = "marked_no_show"
    RELEASED_REVIEW = "released_review"
    CONTACTED_REVIEW = "contacted_review"
    WROTE_SESSION_NOTE = "wrote_session_note"  # a session record
    AGREED_NEXT_SESSION = "agreed_next_session"  # the change kept for a coming session
    REMINDED_BY_PHONE = "reminded_by_phone"
    DID_TODO = "did_todo"  # an item of the desk's to-do list marked done
    # The diary
    CHANGED_HOURS = "changed_hours"
    ADDED_OPENING = "added_opening"
    REMOVED_OPENING = "removed_opening"
    ADDED_CLOSURE = "added_closure"
    REMOVED_CLOSURE = "removed_closure"
    # Running the practice
    RETRIED_MESSAGE = "retried_message"
    CHANGED_SERVICE = "changed_service"
    CHANGED_SETTINGS = "changed_settings"
    CHANGED_SCREENING = "changed_screening"
    ADDED_STAFF = "added_staff"
    CHANGED_STAFF = "changed_staff"
    ROTATED_FEED = "rotated_feed"
    REVOKED_FEED = "revoked_feed"
    # A therapist's own calendar read as busy time (the address itself is never recorded)
    SAVED_OWN_CALENDAR = "saved_own_calendar"
    REMOVED_OWN_CALENDAR = "removed_own_calendar"
    PURGED_RECORDS = "purged_records"
    # A client's data rights: a copy of everything held, and erasure (ids and counts only)
    EXPORTED_CLIENT = "exported_client"
    ERASED_CLIENT = "erased_client"
    # Two-factor sign-in: set up, a recovery code used, and the admin's reset
    SET_UP_SECOND_FACTOR = "set_up_second_factor"
    USED_RECOVERY_CODE = "used_recovery_code"
    RESET_SECOND_FACTOR = "reset_second_factor"
    # The waiting list: the desk adding someone, or taking them off when asked
    WAITLIST_ADDED = "waitlist_added"
    WAITLIST_REMOVED = "waitlist_removed"


AUDIT_WORDS: dict[AuditAction, str] = {
    AuditAction.VIEWED_INTAKE: "opened the intake answers",
    AuditAction.VIEWED_CLIENT: "opened the client page",
    AuditAction.VIEWED_PRACTICAL: "opened the practical needs",
    AuditAction.VIEWED_SESSION_PLANS: "opened session plans and flags",
    AuditAction.VIEWED_SESSION_NOTE: "opened the record of a session",
    AuditAction.VIEWED_TIMELINE: "opened a client's sessions over time",
    AuditAction.COVERED_CLIENT: "said they are covering a client's session",
    AuditAction.EXPORTED_BOOKINGS: "exported bookings",
    AuditAction.BOOKED: "booked a session",
    AuditAction.BOOKED_OUTSIDE_HOURS: "booked a session outside opening hours",
    AuditAction.RESCHEDULED: "moved a session",
    AuditAction.SHORTENED: "shortened a session",
    AuditAction.CANCELLED: "cancelled a session",
    AuditAction.MARKED_ATTENDED: "marked a session attended",
    AuditAction.MARKED_NO_SHOW: "marked a session as a no-show",
    AuditAction.RELEASED_REVIEW: "released held sessions after review",
    AuditAction.CONTACTED_REVIEW: "noted a call about the review",
    AuditAction.WROTE_SESSION_NOTE: "wrote the record of a session",
    AuditAction.AGREED_NEXT_SESSION: "agreed a change for a coming session",
    AuditAction.REMINDED_BY_PHONE: "gave a reminder by phone",
    AuditAction.DID_TODO: "marked a to-do item done",
    AuditAction.CHANGED_HOURS: "changed weekly opening hours",
    AuditAction.ADDED_OPENING: "added an extra opening",
    AuditAction.REMOVED_OPENING: "removed an extra opening",
    AuditAction.ADDED_CLOSURE: "added a closure",
    AuditAction.REMOVED_CLOSURE: "removed a closure",
    AuditAction.RETRIED_MESSAGE: "sent a failed message again",
    AuditAction.CHANGED_SERVICE: "changed a service",
    AuditAction.CHANGED_SETTINGS: "changed the practice settings",
    AuditAction.CHANGED_SCREENING: "changed the health check list",
    AuditAction.ADDED_STAFF: "added a staff account",
    AuditAction.CHANGED_STAFF: "changed a staff account",
    AuditAction.ROTATED_FEED: "made a new calendar feed link",
    AuditAction.REVOKED_FEED: "switched a calendar feed off",
    AuditAction.SAVED_OWN_CALENDAR: "saved a therapist's own calendar address",
    AuditAction.REMOVED_OWN_CALENDAR: "removed a therapist's own calendar address",
    AuditAction.PURGED_RECORDS: "removed records past their keeping time",
    AuditAction.EXPORTED_CLIENT: "exported a copy of everything held about a client",
    AuditAction.ERASED_CLIENT: "erased a client's personal details",
    AuditAction.SET_UP_SECOND_FACTOR: "set up two-factor sign-in",
    AuditAction.USED_RECOVERY_CODE: "signed in with a recovery code",
    AuditAction.RESET_SECOND_FACTOR: "reset a colleague's two-factor sign-in",
    AuditAction.WAITLIST_ADDED: "put a client on the waiting list",
    AuditAction.WAITLIST_REMOVED: "took a client off the waiting list",
}

DETAIL_LIMIT = 300
