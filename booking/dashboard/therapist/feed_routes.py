"""The calendar feed page: a therapist makes, replaces or switches off their private feed link.

Only a hash of a link's token is stored, so a new link is shown once, on the answer to the
request that made it, and never again (not through a redirect or a flashed message either).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import roles_required
from booking.dashboard import bp
from booking.dashboard.therapist.feed_forms import FeedForm, PractitionerFeedForm
from booking.domain.statuses import StaffRole
from booking.services.messaging import feeds
from booking.services.staff import audit
from booking.web import public_url

FEED_ROLES = (StaffRole.THERAPIST, StaffRole.ADMIN)


@dataclass(frozen=True)
class NewLink:
    """A feed link just made: its only appearance."""

    name: str
    url: str

    @property
    def webcal_url(self) -> str:
        """The same link as webcal://, which calendar apps open as a subscription."""
        return "webcal://" + self.url.split("://", 1)[1]


def _acts_for_anyone() -> bool:
    return current_user.role == StaffRole.ADMIN


def _statuses() -> list[feeds.FeedStatus]:
    """The feeds this member of staff may look after: every one for the admin, else their own."""
    if _acts_for_anyone():
        return feeds.feed_statuses()
    if current_user.practitioner_id is None:
        return []
    status = feeds.feed_status(current_user.practitioner_id)
    return [status] if status else []


def _blank_form(statuses: list[feeds.FeedStatus], chosen_id: int | None = None) -> FeedForm:
    """The page's form as first shown; the admin's list starts at `chosen_id` or their own diary."""
    if not _acts_for_anyone():
        return FeedForm(formdata=None)
    chosen = {"practitioner": chosen_id or current_user.practitioner_id}
    return PractitionerFeedForm(formdata=None, data=chosen).offer(statuses)


def _sent_form(statuses: list[feeds.FeedStatus]) -> FeedForm:
    """The form as sent with this request."""
    if not _acts_for_anyone():
        return FeedForm()
    return PractitionerFeedForm().offer(statuses)


def _page(statuses: list[feeds.FeedStatus], form: FeedForm, new_link: NewLink | None = None) -> str:
    return render_template(
        "dashboard/therapist/feed.html",
        statuses=statuses,
        form=form,
        new_link=new_link,
        for_anyone=_acts_for_anyone(),
    )


def _chosen(form: FeedForm, statuses: list[feeds.FeedStatus]) -> feeds.FeedStatus | None:
    """Whose feed a checked form is about: the admin's choice, or the therapist's own."""
    if isinstance(form, PractitionerFeedForm):
        return next(s for s in statuses if s.practitioner_id == form.practitioner.data)
    return statuses[0] if statuses else None


@bp.get("/feed")
@roles_required(*FEED_ROLES)
def feed() -> str:
    """Whether there is a calendar feed, with buttons to make a new link or switch it off."""
    statuses = _statuses()
    return _page(statuses, _blank_form(statuses))


@bp.post("/feed/rotate")
@roles_required(*FEED_ROLES)
def feed_rotate() -> ResponseReturnValue:
    """Make a new feed link (the old one stops working) and show it, this once."""
    statuses = _statuses()
    form = _sent_form(statuses)
    if not form.validate():
        return _page(statuses, form), 422
    chosen = _chosen(form, statuses)
    if chosen is None:  # a therapist's account with no diary: the page explains
        return _page(statuses, form)
    try:
        token = feeds.rotate_feed_token(chosen.practitioner_id, audit.actor_for(current_user.id))
    except feeds.UnknownPractitioner:
        abort(404)
    link = NewLink(chosen.name, public_url("feeds.calendar", token=token))
    statuses = _statuses()
    return _page(statuses, _blank_form(statuses, chosen.practitioner_id), new_link=link)


@bp.post("/feed/revoke")
@roles_required(*FEED_ROLES)
def feed_revoke() -> ResponseReturnValue:
    """Switch the feed off: its link stops working at once."""
    statuses = _statuses()
    form = _sent_form(statuses)
    if not form.validate():
        return _page(statuses, form), 422
    chosen = _chosen(form, statuses)
    if chosen is not None:
        try:
            had_feed = feeds.revoke_feed(chosen.practitioner_id, audit.actor_for(current_user.id))
        except feeds.UnknownPractitioner:
            abort(404)
        whose = f"{chosen.name}'s calendar feed" if _acts_for_anyone() else "Your calendar feed"
        if had_feed:
            flash(f"{whose} is switched off. Its link no longer works.", "info")
        else:
            flash(f"{whose} was already off. Nothing has changed.", "info")
    return redirect(url_for("dashboard.feed"), code=303)
