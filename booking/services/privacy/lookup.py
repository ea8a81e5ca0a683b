"""Finding the client a command names: by id, or by email address."""

from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Client


class ClientNotFound(Exception):
    """No single client matches; the message says why, in words for whoever typed it."""


def client_by_reference(reference: str) -> Client:
    """The one client whose id (digits) or email (any case) this is."""
    reference = reference.strip()
    if reference.isdigit():
        client = db.session.get(Client, int(reference))
        if client is None:
            raise ClientNotFound(f"No client has the id {reference}.")
        return client
    matches = db.session.scalars(
        select(Client).where(func.lower(Client.email) == reference.lower()).order_by(Client.id)
    ).all()
    if not matches:
        raise ClientNotFound(f"No client has the email address {reference}.")
    if len(matches) > 1:
        ids = ", ".join(str(client.id) for client in matches)
        raise ClientNotFound(
            f"{len(matches)} clients have the email address {reference} (ids {ids}); "
            "please give the id instead."
        )
    return matches[0]
