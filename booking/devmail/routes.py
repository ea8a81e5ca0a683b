"""The development mail viewer: the list, one message (its text, its HTML in a sandboxed
frame, its calendar files), the phone calls the desk would make, and "send what would be due
at …", which runs the outbox worker's own pass with the clock set to that moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import InputRequired

from booking.clock import now_utc, practice_zone
from booking.devmail import bp
from booking.services.messaging import devmail, outbox, phone_calls

# The viewer's own page may frame a message's HTML from this site; the message itself runs
# sandboxed (no scripts, no forms, nothing fetched but inline styles and data images).
VIEWER_POLICY = (
    "default-src 'self'; frame-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MESSAGE_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
)


class SendDueForm(FlaskForm):
    at = DateTimeLocalField(
        "Send what would be due at",
        format="%Y-%m-%dT%H:%M",
        description="Your local time. Nothing stored moves: the worker's pass runs as if it "
        "were then, with its usual rules (quiet hours, newer changes).",
        validators=[InputRequired("Please choose a date and time, for example tomorrow at 10:00.")],
    )


def _mailbox() -> devmail.DevMailbox:
    return devmail.catcher() or abort(404)


def _viewer(page: str, status: int = 200) -> ResponseReturnValue:
    response = make_response(page, status)
    response.headers["Content-Security-Policy"] = VIEWER_POLICY
    return response


def _moment(raw: str | None) -> datetime:
    """The moment the page shows phone calls for: ?at= (local), else now."""
    try:
        local = datetime.strptime(raw or "", "%Y-%m-%dT%H:%M")
    except ValueError:
        return now_utc()
    return local.replace(tzinfo=practice_zone()).astimezone(UTC)


@bp.get("/")
def inbox(form: SendDueForm | None = None, status: int = 200) -> ResponseReturnValue:
    """Every message sent, newest first, and the calls the desk would make."""
    at = _moment(request.args.get("at"))
    if form is None:
        tomorrow_ten = (at.astimezone(practice_zone()) + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        form = SendDueForm(formdata=None, data={"at": tomorrow_ten.replace(tzinfo=None)})
    page = render_template(
        "devmail/inbox.html",
        messages=_mailbox().messages(),
        calls=phone_calls.calls_to_make(at),
        calls_at=at,
        form=form,
        server=current_app.config.get("MAIL_SERVER"),
    )
    return _viewer(page, status)


@bp.post("/send-due")
def send_due() -> ResponseReturnValue:
    """Run one outbox pass as if it were the chosen moment."""
    _mailbox()  # 404 unless messages go to the development mailbox
    form = SendDueForm()
    if not form.validate():
        return inbox(form, 422)
    at = form.at.data.replace(tzinfo=practice_zone()).astimezone(UTC)
    report = outbox.run_once(lambda: at)  # delivers to the development mailbox itself
    flash(
        f"As if it were {form.at.data:%A %-d %B at %H:%M}: {report.sent} sent, "
        f"{report.waiting} waiting for quiet hours to end, {report.dropped} no longer needed.",
        "info",
    )
    return redirect(url_for("devmail.inbox", at=f"{form.at.data:%Y-%m-%dT%H:%M}"), code=303)


def _message(key: str) -> devmail.CaughtMessage:
    found = _mailbox().get(key)
    if found is None:
        abort(404)
    return found


@bp.get("/<key>")
def message(key: str) -> ResponseReturnValue:
    """One message: who it went to, its text, its HTML, its calendar files."""
    caught = _message(key)
    page = render_template(
        "devmail/message.html",
        caught=caught,
        text=caught.body("plain"),
        has_html=caught.body("html") is not None,
        calendars=caught.calendar_parts(),
    )
    return _viewer(page)


@bp.get("/<key>/html")
def message_html(key: str) -> ResponseReturnValue:
    """The HTML body alone, for the viewer's frame: sandboxed, nothing fetched."""
    html = _message(key).body("html")
    if html is None:
        abort(404)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = MESSAGE_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<key>/calendar-<int:number>.ics")
def calendar(key: str, number: int) -> ResponseReturnValue:
    """A calendar part, to open in a calendar program as the recipient would."""
    parts = _message(key).calendar_parts()
    if not 1 <= number <= len(parts):
        abort(404)
    part = parts[number - 1]
    response = make_response(part.get_content())
    method = part.get_param("method") or "PUBLISH"
    response.headers["Content-Type"] = f"text/calendar; charset=utf-8; method={method}"
    response.headers["Content-Disposition"] = f'attachment; filename="invite-{number}.ics"'
    return response
