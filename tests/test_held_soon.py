"""Sessions held for the therapist's review today or tomorrow are at the top of the therapist's
day and of the desk's first page: the client was told the therapist would be in touch first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from tests.support import DEFAULT_NOW
from tests.support.factories import make_booking, make_client, make_practitioner
from tests.support.pages import text_of
from tests.support.staff import signed_in_client

TOMORROW = DEFAULT_NOW + timedelta(days=1)


@pytest.fixture
def maya(app, freeze) -> int:
    """Maya's diary: held tomorrow, confirmed tomorrow, held in four days."""
    freeze(DEFAULT_NOW)
    with app.app_context():
        maya = make_practitioner(name="Maya Okafor")
        for name, start, status in (
            ("Hana Held", TOMORROW, BookingStatus.HELD_FOR_REVIEW),
            ("Cole Confirmed", TOMORROW + timedelta(hours=2), BookingStatus.CONFIRMED),
            ("Lena Later", DEFAULT_NOW + timedelta(days=4), BookingStatus.HELD_FOR_REVIEW),
        ):
            make_booking(
                client=make_client(name=name), practitioner=maya, start_utc=start, status=status
            )
        db.session.commit()
        return maya.id


def _held_section(html: str) -> str:
    found = re.search(r'<section class="notice held-soon".*?</section>', html, re.DOTALL)
    return _words(found[0]) if found else ""


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_therapist_sees_tomorrow_s_held_session_first(app, maya):
    admin = signed_in_client(app, StaffRole.ADMIN)
    html = admin.get(f"/dashboard/today?practitioner={maya}").get_data(as_text=True)
    held = _held_section(html)
    assert "Still waiting for your review, today or tomorrow" in held
    assert "Hana" in held
    assert "Cole" not in held and "Lena" not in held
    assert html.index("held-soon-title") < html.index("today-title")  # at the top


def test_the_desk_sees_it_too_and_what_to_say(app, maya):
    page = signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/")
    held = _held_section(page.get_data(as_text=True))
    assert "Held for the therapist's review, today or tomorrow" in held
    assert "Hana Held" in held and "with Maya Okafor" in held
    assert "Cole" not in held and "Lena" not in held
    assert "nothing needs cancelling" in text_of(page)


def test_nothing_held_soon_shows_no_section(app, freeze):
    freeze(DEFAULT_NOW)
    page = signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/")
    assert "held-soon" not in page.get_data(as_text=True)
