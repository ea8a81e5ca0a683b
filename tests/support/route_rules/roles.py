"""Who may use a route: the sets of staff roles the access tables are written in."""

from booking.domain.statuses import StaffRole

EVERYONE = frozenset(StaffRole)
CLINICAL = frozenset({StaffRole.THERAPIST, StaffRole.ADMIN})
DESK = frozenset({StaffRole.RECEPTION, StaffRole.ADMIN})
ADMIN_ONLY = frozenset({StaffRole.ADMIN})
