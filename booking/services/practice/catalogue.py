"""What the practice offers."""

from sqlalchemy import select

from booking.extensions import db
from booking.models import Service


def bookable_services() -> list[Service]:
    """Active services, first visits first, then in the practice's chosen order."""
    query = (
        select(Service)
        .where(Service.active.is_(True))
        .order_by(Service.first_visit.desc(), Service.sort_order, Service.name)
    )
    return list(db.session.scalars(query))
