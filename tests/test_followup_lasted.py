"""After "more tired than usual" or "a crash", the follow-up asks how long it lasted; the answer
is recorded on the booking and the therapist reads it beside the first answer."""

from __future__ import annotations

import re

from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services.messaging import outbox
from tests.support.booking import book_as_client
from tests.support.pages import csrf_token, text_of
from tests.support.staff import signed_in_client


def _follow_up_links(app, inbox) -> dict[str, str]:
    """Send the follow-up at its time; its answer links by their words, as paths."""
    with app.app_context():
        due = db.session.scalars(
            select(OutboxMessage.due_at).where(OutboxMessage.kind == "client_followup")
        ).one()
        outbox.run_once(lambda: due)
    app.extensions["clock"] = lambda: due
    (message,) = [m for m in inbox.messages if m["Subject"] == "How were you after your session?"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"^(.+?): http://[^/]+(/followup/\S+)\r?$", body, re.MULTILINE)
    return dict(found)


def _answer(client, path: str):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page)})


def _lasted_links(page) -> dict[str, str]:
    html = page.get_data(as_text=True)
    return {
        words: href
        for href, words in re.findall(
            r'href="http://[^/]+(/followup/lasted/[^"]+)">([^<]+)</a>', html
        )
    }


def _stored(app) -> tuple[str | None, str | None]:
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        return booking.followup_answer, booking.followup_lasted


def test_after_a_crash_one_more_tap_says_how_long_it_lasted(app, practice, inbox, client):
    book_as_client(app)
    done = _answer(client, _follow_up_links(app, inbox)["A crash"])
    assert "How long did it last? (optional)" in text_of(done)
    lasted = _lasted_links(done)
    assert list(lasted) == ["A few hours", "A day or two", "About a week", "Longer, or still going"]

    page = client.get(lasted["About a week"])
    assert "How long it lasted: About a week" in text_of(page)
    assert _stored(app) == ("crash", None)  # opening the link records nothing
    recorded = client.post(lasted["About a week"], data={"csrf_token": csrf_token(page)})
    assert recorded.status_code == 200
    assert "Your therapist will see it before your next session." in text_of(recorded)
    assert _stored(app) == ("crash", "week")

    with app.app_context():
        client_id = db.session.scalars(select(Booking.client_id)).one()
    therapist = signed_in_client(app, StaffRole.ADMIN)
    assert "A crash, lasted about a week" in text_of(
        therapist.get(f"/dashboard/clients/{client_id}")
    )


def test_after_fine_nothing_more_is_asked_and_an_old_lasted_link_says_why(
    app, practice, inbox, client
):
    book_as_client(app)
    links = _follow_up_links(app, inbox)
    lasted = _lasted_links(_answer(client, links["More tired than usual"]))
    fine = _answer(client, links["Fine"])
    assert "How long did it last?" not in text_of(fine)
    refused = client.get(lasted["A few hours"])
    assert "This question is for when you felt worse after your session." in text_of(refused)
    assert "Send this answer" not in text_of(refused)
    assert _stored(app) == ("fine", None)
