"""Who a booking is for: the details given, and the returning client they match."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from booking.domain.booking_rules import PastSession
from booking.extensions import db
from booking.models import Booking, Client
from booking.services.booking.errors import UnknownClient


@dataclass
class ClientDetails:
    """Who the session is for and how to reach them (already checked and normalised)."""

    name: str
    email: str | None = None
    phone: str | None = None
    preferred_name: str | None = None
    carer_name: str | None = None
    carer_relationship: str | None = None
    carer_email: str | None = None
    carer_phone: str | None = None
    send_to_carer: bool = False
    carer_copies: bool = False  # the carer gets a copy as well as the client

    @property
    def booked_by_carer(self) -> bool:
        return bool(self.carer_name)


def find_client(details: ClientDetails) -> Client | None:
    """A returning client: same email or phone, or (booked by a carer) same carer and name."""
    conditions = []
    if details.email:
        conditions.append(db.func.lower(Client.email) == details.email.lower())
    if details.phone:
        conditions.append(Client.phone == details.phone)
    if not conditions and (details.carer_email or details.carer_phone):
        carer = []
        if details.carer_email:
            carer.append(db.func.lower(Client.carer_email) == details.carer_email.lower())
        if details.carer_phone:
            carer.append(Client.carer_phone == details.carer_phone)
        conditions.append((db.func.lower(Client.name) == details.name.lower()) & or_(*carer))
    if not conditions:
        return None
    # Locked (on PostgreSQL), so two bookings for one client are paced one after the other.
    query = select(Client).where(or_(*conditions)).order_by(Client.id).with_for_update()
    return db.session.scalars(query).first()


def client_for(details: ClientDetails, *, trusted: bool = False) -> Client:
    """The returning client (blank details filled in, nothing overwritten) or a new one.

    Who gets a returning client's messages (a carer's details, "to the carer", copies) is
    set only for a new client or by staff (`trusted`): an unsigned form that matched an email
    or phone must not add someone to receive that client's messages and links.
    """
    client = find_client(details)
    returning = client is not None
    if client is None:
        by_email = details.email or (details.carer_email and not details.carer_phone)
        client = Client(name=details.name, contact_channel="email" if by_email else "phone")
        db.session.add(client)
    own = ("email", "phone", "preferred_name")
    carers = ("carer_name", "carer_relationship", "carer_email", "carer_phone")
    for name in own if returning and not trusted else own + carers:
        if getattr(client, name) is None and getattr(details, name):
            setattr(client, name, getattr(details, name))
    if details.booked_by_carer and (trusted or not returning):
        client.send_to_carer = details.send_to_carer
        client.carer_copies = details.carer_copies
    return client


def chosen_client(client_id: int) -> Client:
    """A client chosen by staff, locked like a returning client found by their details. An
    erased client is no one to book for: the lock makes an erasure and a booking take turns,
    and whichever comes second sees the other."""
    client = db.session.scalars(
        select(Client).where(Client.id == client_id, Client.erased_at.is_(None)).with_for_update()
    ).first()
    if client is None:
        raise UnknownClient("We could not find that client. Please search again.")
    return client


def sessions_of(client: Client, ignore_booking_id: int | None = None) -> list[PastSession]:
    if client.id is None:
        return []
    rows = db.session.execute(
        select(Booking.id, Booking.start_utc, Booking.status).where(Booking.client_id == client.id)
    )
    return [
        PastSession(start, status)
        for booking_id, start, status in rows
        if booking_id != ignore_booking_id
    ]
