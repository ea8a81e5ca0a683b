"""The waiting list at the desk (every role: it shows no clinical details)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.waitlist.forms import AddToListForm, RemoveForm
from booking.domain.best_times import BestTimes, days_in_words, parts_in_words
from booking.domain.channels import Channel
from booking.services import booking as bookings
from booking.services.booking import availability
from booking.services.clients import records as client_records
from booking.services.practice.catalogue import bookable_services
from booking.services.staff import audit
from booking.services.waitlist import entries, offers
from booking.web import row_id

CHANNEL_WORDS = {"email": "Email", "sms": "Text", "phone": "We phone them"}


def _wish_words(entry) -> str:
    best = BestTimes.from_stored(entry.days, entry.parts)
    return f"{days_in_words(best)}; {parts_in_words(best).lower()}"


@bp.get("/waitlist")
@roles_required(*EVERY_ROLE)
def waitlist() -> str:
    """Everyone waiting, longest first, with any time offered to them just now."""
    return render_template(
        "dashboard/waitlist/list.html",
        listed=entries.waiting(now_utc()),
        wish_words=_wish_words,
        channel_words=CHANNEL_WORDS,
    )


@bp.get("/waitlist/<id:entry_id>")
@roles_required(*EVERY_ROLE)
def waitlist_entry(entry_id: int) -> str:
    """One place on the list: times that suit them now, to offer on the phone; or remove."""
    return _entry_page(entry_id, RemoveForm(formdata=None))


def _entry_page(entry_id: int, form: RemoveForm) -> str:
    try:
        entry = entries.find_entry(entry_id)
    except entries.UnknownEntry:
        abort(404)
    now = now_utc()
    waiting = entry.status == entries.WAITING
    return render_template(
        "dashboard/waitlist/entry.html",
        entry=entry,
        fitting=offers.fitting_now(entry, now, count=6, staff=True) if waiting else [],
        form=form,
        wish_words=_wish_words(entry),
        channel_words=CHANNEL_WORDS,
    )


@bp.post("/waitlist/<id:entry_id>/remove")
@roles_required(*EVERY_ROLE)
def waitlist_remove(entry_id: int) -> ResponseReturnValue:
    """Take someone off the list when they ask; the reason is audited."""
    form = RemoveForm()
    if not form.validate():
        return _entry_page(entry_id, form), 422
    try:
        removed = entries.remove(
            entry_id, audit.actor_for(current_user.id), form.reason.data, now_utc()
        )
    except entries.UnknownEntry:
        abort(404)
    flash("Taken off the waiting list." if removed else "They were no longer on the list.", "info")
    return redirect(url_for("dashboard.waitlist"), code=303)


def _add_form(form: AddToListForm, client) -> AddToListForm:
    form.service.choices = [
        (s.slug, f"{s.name} ({s.minutes} minutes)") for s in bookable_services()
    ]
    form.practitioner.choices = [
        ("", "Anyone free"),
        *((str(p.id), p.name) for p in availability.active_practitioners()),
    ]
    form.client.data = str(client.id)
    return form


def _client_or_404(raw):
    client_id = row_id(raw)
    client = client_records.find_client(client_id) if client_id else None
    if client is None or client.erased_at is not None:
        abort(404)
    return client


@bp.get("/waitlist/add")
@roles_required(*EVERY_ROLE)
def waitlist_add() -> str:
    """Put a client on the list (from their page; without one, say how to find them)."""
    if not request.args.get("client"):
        return render_template("dashboard/waitlist/add.html", form=None, client=None)
    client = _client_or_404(request.args.get("client"))
    form = _add_form(AddToListForm(formdata=None), client)
    form.until.data = entries.until_default(now_utc())
    form.channel.data = "email" if entries.reachable_by(client, Channel.EMAIL) else "phone"
    form.days.data, form.parts.data = client.best_times.keys()
    return render_template("dashboard/waitlist/add.html", form=form, client=client)


@bp.post("/waitlist/add")
@roles_required(*EVERY_ROLE)
def waitlist_add_save() -> ResponseReturnValue:
    form = AddToListForm()
    client = _client_or_404(form.client.data)
    _add_form(form, client)
    page = {"form": form, "client": client}
    if not form.validate():
        return render_template("dashboard/waitlist/add.html", **page), 422
    wish = entries.WaitingFor(
        form.service.data or "",
        row_id(form.practitioner.data),
        BestTimes.from_keys(form.days.data or [], form.parts.data or []),
        form.until.data,
        Channel(form.channel.data),
    )
    try:
        entries.join(wish, now_utc(), client_id=client.id, staff=audit.actor_for(current_user.id))
    except bookings.UnknownService:
        form.service.errors = ["Please choose one of the sessions shown."]
        return render_template("dashboard/waitlist/add.html", **page), 422
    except entries.WaitlistError as problem:
        field = getattr(form, problem.field, form.service)
        field.errors = [problem.message]
        return render_template("dashboard/waitlist/add.html", **page), 422
    flash(f"{client.display_name} is on the waiting list.", "info")
    return redirect(url_for("dashboard.waitlist"), code=303)
