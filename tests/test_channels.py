"""Channels: the client's choice of email, text or phone call (and a carer's copy) decides how
every reminder, nudge, check-in and follow-up goes. Texts go through Twilio's Messages API,
here a local server that answers as Twilio documents (tests/support/sms.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.domain.channels import Channel, is_gsm, reminder_channels, sms_segments
from booking.domain.messages import sms_followup, sms_questions_nudge, sms_reminder
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Booking, Client, OutboxMessage
from booking.services.messaging import notify, outbox, sms
from tests.support import sms as fake_twilio
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.factories import make_booking, make_client
from tests.support.intake import GOOD_PAGES, fill_in, intake_link, send
from tests.support.messages import make_facts
from tests.support.pages import text_of
from tests.support.staff import signed_in_client

MOBILE = "+447700900123"
CARER_MOBILE = "+447700900456"
REMINDER_DUE = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # the day before MONDAY, 10am
REMINDER_KINDS = ("client_reminder", "client_followup", "client_intake_nudge")


def _rows(app, *kinds: str, live: bool = True) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.kind.in_(kinds))
        if live:
            query = query.where(OutboxMessage.dropped_at.is_(None))
        rows = db.session.scalars(query.order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def _send_at(app, moment: datetime) -> outbox.RunReport:
    with app.app_context():
        return outbox.run_once(lambda: moment)


def _reroute(app, token: str) -> None:
    """The client's reminders re-routed as their choice now says, the day before the
    reminder is due (as sending the questionnaire does)."""
    with app.app_context():
        notify.reroute_reminders(booking_for(app, token).client_id, REMINDER_DUE - timedelta(1))
        db.session.commit()


def _choose(app, token: str, channels: str, **fields) -> None:
    with app.app_context():
        client = db.session.get(Booking, booking_for(app, token).id).client
        client.reminder_channels = channels
        for name, value in fields.items():
            setattr(client, name, value)
        db.session.commit()


# --- The rule and the words ---------------------------------------------------------------


def test_chosen_channels_that_can_reach_the_client_else_email_else_a_call():
    both = frozenset({Channel.EMAIL, Channel.SMS})
    assert reminder_channels(both, has_email=True, has_phone=True) == (
        Channel.EMAIL,
        Channel.SMS,
    )
    assert reminder_channels(both, has_email=True, has_phone=False) == (Channel.EMAIL,)
    texts_only = frozenset({Channel.SMS})
    assert reminder_channels(texts_only, has_email=True, has_phone=False) == (Channel.EMAIL,)
    assert reminder_channels(None, has_email=False, has_phone=True) == (Channel.PHONE,)
    assert reminder_channels(None, has_email=True, has_phone=True) == (Channel.EMAIL,)
    assert reminder_channels(None, has_email=False, has_phone=False) == ()


@pytest.mark.parametrize("held", [False, True])
def test_texts_fit_two_segments_hold_the_link_and_no_health_details(held):
    long_names = make_facts(
        practice_name="The Very Long Name Of A Calm And Quiet Massage Practice",
        practitioner_name="Maximiliana Featherstonehaugh-Cholmondeley",
        manage_url="https://booking.stillwaters.example/manage/" + "x" * 43,
        held=held,
    )
    texts = [
        sms_reminder(long_names, MOBILE),
        sms_followup(long_names, MOBILE),
        sms_questions_nudge(long_names, MOBILE, "https://booking.example/intake/" + "y" * 43),
    ]
    for text in texts:
        assert text.channel == Channel.SMS and text.recipient == MOBILE
        assert is_gsm(text.text), text.text
        assert sms_segments(text.text) <= 2, (len(text.text), text.text)
        for word in ("ME", "CFS", "crash", "pain", "symptom", "flare", "medic"):
            assert not re.search(rf"\b{word}\b", text.text, re.IGNORECASE), word
    assert long_names.manage_url in texts[0].text and long_names.manage_url in texts[1].text


def test_segments_are_counted_as_networks_count_them():
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    assert sms_segments("€" * 80) == 1  # two characters each in GSM: 160
    assert sms_segments("ü" * 160) == 1  # in the GSM alphabet
    assert sms_segments("ł" * 70) == 1  # not: UCS-2, 70 a segment
    assert sms_segments("ł" * 71) == 2


# --- Texts through the provider ----------------------------------------------------------


def test_a_client_who_chose_texts_gets_a_text_not_an_email(app, practice, client, inbox, texts):
    token = book_as_client(app, phone=MOBILE)
    link = intake_link(client, token)
    fill_in(client, link, consent={**GOOD_PAGES["consent"], "reminders": ["sms"]})
    assert send(client, link).status_code == 303

    channels = {(row.kind, row.channel) for row in _rows(app, *REMINDER_KINDS[:2])}
    assert channels == {("client_reminder", "sms"), ("client_followup", "sms")}

    report = _send_at(app, REMINDER_DUE)
    assert report.sent >= 1
    [text] = texts.texts
    assert text["To"] == MOBILE and text["From"] == "StillWaters"
    assert f"/manage/{token}" in text["Body"]
    assert "a reminder of your session tomorrow" in text["Body"]
    assert not any(m["Subject"].startswith("Tomorrow") for m in inbox.messages)
    [row] = _rows(app, "client_reminder")
    assert row.sent_at is not None and row.channel == Channel.SMS


def test_email_and_text_both_go_when_both_are_chosen(app, practice, inbox, texts):
    token = book_as_client(app, phone=MOBILE)
    _choose(app, token, "email,sms")
    _reroute(app, token)
    _send_at(app, REMINDER_DUE)
    assert len(texts.bodies_to(MOBILE)) == 1
    assert any(m["Subject"].startswith("Tomorrow") for m in inbox.messages)


def test_a_refused_number_fails_for_good_and_an_outage_is_tried_again(app, practice, texts):
    token = book_as_client(app, phone=MOBILE)
    _choose(app, token, "sms")
    _reroute(app, token)

    texts.outages = 1
    report = _send_at(app, REMINDER_DUE)
    [row] = _rows(app, "client_reminder")
    assert report.retrying >= 1 and row.sent_at is None and row.failed_at is None
    assert row.last_error == "the SMS provider said 500 (code 20500)"
    _send_at(app, row.next_attempt_at)
    [row] = _rows(app, "client_reminder")
    assert row.sent_at is not None

    texts.invalid_numbers.add(MOBILE)
    ended = booking_for(app, token).end_utc
    [followup] = _rows(app, "client_followup")
    _send_at(app, followup.due_at)
    [followup] = _rows(app, "client_followup")
    assert followup.failed_at is not None  # a 400 never gets better by trying again
    assert followup.last_error == "the SMS provider said 400 (code 21211)"
    assert followup.due_at > ended
    with app.app_context():
        assert followup.id in [m.id for m in outbox.failed_messages()]


def test_without_a_provider_a_text_becomes_a_call_with_the_reason(app, practice, freeze):
    token = book_as_client(app, phone=MOBILE, name="Tess Text")
    _choose(app, token, "sms")
    with app.app_context():
        assert not sms.configured()
        notify.reroute_reminders(booking_for(app, token).client_id, REMINDER_DUE - timedelta(1))
        db.session.commit()
    report = _send_at(app, REMINDER_DUE)
    assert report.to_phone == 1
    [row] = _rows(app, "client_reminder")
    assert row.channel == Channel.PHONE and row.sent_at is None
    assert row.last_error == sms.NOT_SET_UP

    freeze(REMINDER_DUE)
    desk = signed_in_client(app, StaffRole.RECEPTION)
    words = text_of(desk.get("/dashboard/phone-calls"))
    assert "Tess Text" in words
    assert "Texts are not set up here (no SMS provider), so please phone instead." in words


def test_quiet_hours_hold_a_text_until_they_end(app, practice, texts):
    token = book_as_client(app, phone=MOBILE)
    _choose(app, token, "sms")
    _reroute(app, token)
    [row] = _rows(app, "client_reminder")
    _choose(app, token, "sms", quiet_from_local=time(9), quiet_until_local=time(12))
    report = _send_at(app, row.due_at)
    assert report.waiting >= 1 and texts.texts == []
    [row] = _rows(app, "client_reminder")
    assert row.next_attempt_at == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # GMT: London noon
    _send_at(app, row.next_attempt_at)
    assert len(texts.bodies_to(MOBILE)) == 1


# --- Phone calls and carers ---------------------------------------------------------------


def test_a_client_who_chose_calls_is_on_the_desks_list_and_gets_no_email_reminder(
    app, practice, client, inbox, freeze
):
    token = book_as_client(app, phone=MOBILE, name="Cal Caller")
    link = intake_link(client, token)
    fill_in(client, link, consent={**GOOD_PAGES["consent"], "reminders": ["phone"]})
    send(client, link)
    rows = _rows(app, "client_reminder", "client_followup")
    assert {row.channel for row in rows} == {"phone"}
    report = _send_at(app, REMINDER_DUE)
    assert not any(m["Subject"].startswith("Tomorrow") for m in inbox.messages)
    assert report.sent >= 0
    freeze(REMINDER_DUE)
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/phone-calls"))
    assert "Cal Caller" in words and "07700 900123" in words


def test_a_carer_can_have_copies_as_well_as_the_client(app, practice, inbox):
    book_as_client(
        app,
        name="Robin Rest",
        email="robin@example.com",
        carer_name="Sam Rest",
        carer_email="sam@example.com",
        carer_copies=True,
    )
    confirmations = _rows(app, "client_confirmation")
    assert {row.recipient for row in confirmations} == {"robin@example.com", "sam@example.com"}
    reminders = _rows(app, "client_reminder")
    assert {row.recipient for row in reminders} == {"robin@example.com", "sam@example.com"}
    with app.app_context():
        assert db.session.scalars(select(Client)).one().carer_copies is True
    # The therapist gets one invite, not one per copy.
    assert len(_rows(app, "therapist_invite")) == 1


def test_the_booking_form_offers_both_of_us(app, practice, client):
    page = client.get(
        "/book/first-gentle-session/details",
        query_string={"start": MONDAY.isoformat(), "practitioner": ""},
    )
    assert "Both of us" in text_of(page)


def test_no_reminders_means_none_by_any_channel_but_booking_messages_still_go(
    app, practice, client
):
    token = book_as_client(app, phone=MOBILE)
    link = intake_link(client, token)
    fill_in(client, link, consent={**GOOD_PAGES["consent"], "reminders": ["none"]})
    send(client, link)
    _choose(app, token, "email,sms,phone")  # ways on file, but "no reminders" was said
    _send_at(app, REMINDER_DUE)
    sent = [row for row in _rows(app, *REMINDER_KINDS, live=False) if row.sent_at is not None]
    assert sent == []
    assert _rows(app, "client_confirmation")


# --- The manage page asks, for texts ------------------------------------------------------


def test_the_manage_page_asks_the_check_in_the_day_before_and_the_follow_up_after(
    app, practice, client, freeze
):
    token = book_as_client(app)
    freeze(REMINDER_DUE - timedelta(days=1))
    assert "How are you feeling" not in text_of(client.get(f"/manage/{token}"))
    freeze(REMINDER_DUE)
    page = client.get(f"/manage/{token}")
    assert "How are you feeling about your session?" in text_of(page)
    assert len(re.findall(r'href="[^"]*/checkin/', page.get_data(as_text=True))) == 4
    freeze(booking_for(app, token).end_utc + timedelta(hours=30))
    page = client.get(f"/manage/{token}")
    assert "How were you after your session?" in text_of(page)
    assert len(re.findall(r'href="[^"]*/followup/', page.get_data(as_text=True))) == 3


def test_a_follow_up_answered_one_way_is_not_asked_again_another(app, practice, texts, inbox):
    token = book_as_client(app, phone=MOBILE)
    _choose(app, token, "email,sms")
    with app.app_context():
        notify.reroute_reminders(booking_for(app, token).client_id, REMINDER_DUE - timedelta(1))
        booking = db.session.get(Booking, booking_for(app, token).id)
        booking.followup_answer = "fine"  # told us by text link before the email went
        db.session.commit()
    followups = _rows(app, "client_followup")
    assert {row.channel for row in followups} == {"email", "sms"}
    _send_at(app, max(row.due_at for row in followups))
    assert all(row.dropped_at is not None for row in _rows(app, "client_followup", live=False))


def test_reminders_turned_off_then_on_again_are_queued_again(app, practice, texts):
    token = book_as_client(app, phone=MOBILE)
    client_id = booking_for(app, token).client_id
    for channels, wants in (("sms", True), ("sms", False), ("email", True), ("sms", True)):
        _choose(app, token, channels, wants_reminders=wants)
        with app.app_context():
            notify.reroute_reminders(client_id, REMINDER_DUE - timedelta(days=1))
            db.session.commit()
    live = _rows(app, "client_reminder")
    assert [(row.channel, row.recipient) for row in live] == [("sms", MOBILE)]
    _send_at(app, REMINDER_DUE)
    assert len(texts.bodies_to(MOBILE)) == 1


@pytest.mark.parametrize("name", ["Zoë Brontë-Smith", "Łukasz Wiśniewski", "陈美玲"])
def test_a_name_outside_the_text_alphabet_never_makes_a_long_text(name):
    facts = make_facts(practitioner_name=name, manage_url="https://b.example/manage/" + "x" * 43)
    for text in (sms_reminder(facts, MOBILE), sms_followup(facts, MOBILE)):
        assert is_gsm(text.text) and sms_segments(text.text) <= 2, text.text
        assert facts.manage_url in text.text
    if name.startswith("Zo"):  # an accent the alphabet lacks is dropped, the name kept
        assert "with Zoe Bronte-Smith" in sms_reminder(facts, MOBILE).text


def test_a_landline_gets_a_call_and_bad_credentials_are_tried_again(app, practice, texts):
    token = book_as_client(app, phone=MOBILE)
    _choose(app, token, "sms")
    _reroute(app, token)
    app.config["TWILIO_AUTH_TOKEN"] = "wrong"
    _send_at(app, REMINDER_DUE)
    [row] = _rows(app, "client_reminder")
    assert row.failed_at is None and row.last_error == "the SMS provider said 401 (code 20003)"
    app.config["TWILIO_AUTH_TOKEN"] = fake_twilio.AUTH_TOKEN
    texts.not_mobile.add(MOBILE)
    _send_at(app, row.next_attempt_at)
    [row] = _rows(app, "client_reminder")
    assert row.channel == Channel.PHONE and row.last_error == sms.NO_TEXTS_HERE


def test_a_public_form_cannot_add_someone_to_a_known_clients_messages(app, practice):
    book_as_client(app)  # Ann Smith, ann@example.com
    book_as_client(
        app,
        start=MONDAY + timedelta(days=7),
        slug="gentle-massage",
        carer_name="Mallory",
        carer_email="mallory@example.com",
        carer_copies=True,
        send_to_carer=True,
    )
    with app.app_context():
        ann = db.session.scalars(select(Client)).one()
        assert (ann.carer_email, ann.carer_copies, ann.send_to_carer) == (None, False, False)
    assert all(row.recipient == "ann@example.com" for row in _rows(app, "client_confirmation"))


def test_after_an_upgrade_backfill_queues_what_older_bookings_lack(app, practice, runner, freeze):
    with app.app_context():
        caller = make_client(name="Old Phone", email=None, phone=MOBILE)
        make_booking(client=caller, start_utc=MONDAY)  # made before calls were outbox rows
        db.session.commit()
    for _ in range(2):  # running it again changes nothing
        result = runner.invoke(args=["outbox", "backfill"])
        assert result.exit_code == 0, result.output
    calls = _rows(app, "client_reminder", "client_followup")
    assert sorted((row.kind, row.channel) for row in calls) == [
        ("client_followup", "phone"),
        ("client_reminder", "phone"),
    ]
    freeze(REMINDER_DUE)
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/phone-calls"))
    assert "Old Phone" in words


def test_backfill_reads_the_ways_a_client_chose_before_they_were_kept(
    app, practice, client, runner
):
    token = book_as_client(app, phone=MOBILE)
    link = intake_link(client, token)
    fill_in(client, link, consent={**GOOD_PAGES["consent"], "reminders": ["sms"]})
    send(client, link)
    _choose(app, token, None)  # as stored before this version
    assert runner.invoke(args=["outbox", "backfill"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(select(Client)).one().reminder_channels == "sms"
