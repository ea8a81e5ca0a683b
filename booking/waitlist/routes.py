"""Ask to be told when a time frees; see or leave your place; take a time offered.

Someone new gives a name and a way to reach them; a client who came from their own manage
link (`/waitlist/<slug>/for/<manage token>`) types nothing but their wish.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from booking.clock import now_utc
from booking.domain.best_times import BestTimes, days_in_words, parts_in_words
from booking.domain.channels import Channel
from booking.extensions import csrf
from booking.models import Booking, Service
from booking.services import booking as bookings
from booking.services.booking import availability
from booking.services.waitlist import entries, offers
from booking.waitlist import bp
from booking.waitlist.forms import CHANNELS, WaitlistForm, WishFields
from booking.web import never_cache, row_id

bp.after_request(never_cache)  # every page here names a client or carries a private link


def _service_or_404(slug: str) -> Service:
    try:
        return bookings.active_service(slug)
    except bookings.UnknownService:
        abort(404)


def _known_booking(token: str | None) -> Booking | None:
    if token is None:
        return None
    booking = bookings.find_by_token(token)
    if booking is None or booking.client.erased_at is not None:
        abort(404)
    return booking


@bp.route("/<slug>", methods=["GET", "POST"])
@bp.route("/<slug>/for/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one keeps what was typed
def join(slug: str, token: str | None = None) -> ResponseReturnValue:
    """Ask to be told when a time that suits you frees."""
    service = _service_or_404(slug)
    known = _known_booking(token)
    form_class = WishFields if known else WaitlistForm
    practitioners = availability.active_practitioners()
    now = now_utc()
    if request.method == "GET":
        form = form_class(formdata=None)
        form.until.data = entries.until_default(now)
        chosen = row_id(request.args.get("practitioner"))
        form.practitioner.data = str(chosen) if chosen else ""
        if known is not None:
            form.days.data, form.parts.data = known.client.best_times.keys()
    else:
        form = form_class()
    form.practitioner.choices = [("", "Anyone free"), *((str(p.id), p.name) for p in practitioners)]
    form.channel.choices = _channels(known)
    if request.method == "GET":
        form.channel.data = form.channel.choices[0][0]
        return _join_page(service, form, known, token)
    if not form.validate():
        status = 400 if form.csrf_token.errors else 422
        return _join_page(service, form, known, token), status
    practitioner_id = row_id(form.practitioner.data)
    if practitioner_id not in {None, *(p.id for p in practitioners)}:
        form.practitioner.errors = ["Please choose one of the therapists shown."]
        return _join_page(service, form, known, token), 422
    wish = entries.WaitingFor(
        service.slug,
        practitioner_id,
        BestTimes.from_keys(form.days.data or [], form.parts.data or []),
        form.until.data,
        Channel(form.channel.data),
    )
    try:
        if known is not None:
            joined = entries.join(wish, now, client_id=known.client_id)
        else:
            details = bookings.ClientDetails(
                name=form.name.data,
                email=form.normalised("email"),
                phone=form.normalised("phone"),
            )
            joined = entries.join(wish, now, details=details)
    except entries.WaitlistError as problem:
        field = getattr(form, problem.field, None)
        if field is None:
            return _join_page(service, form, known, token, problem.message), 422
        field.errors = [problem.message]
        return _join_page(service, form, known, token), 422
    return redirect(url_for("waitlist.place", token=joined.place_token, joined=1), code=303)


def _channels(known: Booking | None) -> list[tuple[str, str]]:
    """Email and text for someone new; a known client only the ways we can reach them."""
    choices = [(choice.value, choice.label) for choice in CHANNELS]
    if known is None:
        return choices
    reachable = [c for c in choices if entries.reachable_by(known.client, Channel(c[0]))]
    return reachable or choices


def _join_page(service, form, known, token, problem: str | None = None) -> str:
    return render_template(
        "waitlist/join.html",
        service=service,
        form=form,
        known=known,
        token=token,
        problem=problem,
        session_expired=bool(form.csrf_token.errors),
    )


@bp.get("/place/<token>")
def place(token: str) -> ResponseReturnValue:
    """Your place on the list: what you wait for, times that suit you now, and leaving."""
    entry = entries.entry_by_token(token)
    if entry is None:
        abort(404)
    now = now_utc()
    fitting = offers.fitting_now(entry, now) if entry.status == entries.WAITING else []
    best = BestTimes.from_stored(entry.days, entry.parts)
    return render_template(
        "waitlist/place.html",
        entry=entry,
        token=token,
        fitting=fitting,
        joined=request.args.get("joined") == "1",
        days=days_in_words(best),
        parts=parts_in_words(best),
    )


@bp.post("/place/<token>/leave")
def leave(token: str) -> ResponseReturnValue:
    """Leave the list: one press, no questions."""
    try:
        entries.leave(token, now_utc())
    except entries.UnknownEntry:
        abort(404)
    return redirect(url_for("waitlist.place", token=token), code=303)


@bp.get("/offer/<token>")
def offer(token: str) -> ResponseReturnValue:
    """A time offered: take it with one press, or do nothing and stay on the list."""
    found = offers.offer_by_token(token)
    if found is None:
        abort(404)
    return _offer_page(found, token, now_utc())


def _offer_page(found, token: str, now, outcome: str | None = None, message: str = ""):
    state = outcome or offers.state_of(found, now)
    place_token = entries.place_token(found.entry)
    return render_template(
        "waitlist/offer.html",
        offer=found,
        entry=found.entry,
        token=token,
        state=state,
        message=message,
        place_url=url_for("waitlist.place", token=place_token) if place_token else None,
        booked_url=(
            url_for("public.booked", token=offers.booking_token_for(token))
            if state == "taken"
            else None
        ),
    )


@bp.post("/offer/<token>")
def take(token: str) -> ResponseReturnValue:
    """Take the time: booked with the same rules as any booking; the first press wins."""
    now = now_utc()
    try:
        taken = offers.take(token, now)
    except offers.UnknownOffer:
        abort(404)
    if taken.outcome == "booked":
        return redirect(url_for("public.booked", token=taken.manage_token), code=303)
    found = offers.offer_by_token(token)
    assert found is not None
    status = 409 if taken.outcome == "gone" else 422
    return _offer_page(found, token, now, taken.outcome, taken.message), status
