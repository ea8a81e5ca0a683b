"""Answer pages: a link opens a confirmation page; its button records the answer."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from booking.clock import now_utc
from booking.domain.messages import LASTED_ANSWERS, WORSE
from booking.extensions import csrf
from booking.replies import bp
from booking.services.messaging import replies


class AnswerForm(FlaskForm):
    """Just the token: pressing the button is the answer."""

    class Meta:
        csrf_time_limit = None


def _answer(kind: str, token: str) -> ResponseReturnValue:
    now = now_utc()
    reply = replies.read(kind, token, now)
    if reply is None:
        abort(404)
    form = AnswerForm()
    page = {"kind": kind, "reply": reply, "form": form}
    if form.is_submitted():
        if not form.validate():
            return render_template("replies/answer.html", expired=True, **page), 400
        try:
            replies.record(kind, token, now)
        except replies.ReplyProblem as problem:
            return render_template("replies/answer.html", problem=problem.reason, **page), 409
        if kind == "followup" and reply.answer in WORSE:  # then: how long did it last?
            page["lasted_links"] = replies.answer_links("lasted", reply.booking)
            page["lasted_words"] = LASTED_ANSWERS
        return render_template("replies/recorded.html", **page)
    return render_template("replies/answer.html", problem=reply.problem, **page)


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one shows the page again
def checkin(token: str) -> ResponseReturnValue:
    """The day-before check-in: as planned, gentler, a phone call, or postpone."""
    return _answer("checkin", token)


@bp.route("/followup/lasted/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one shows the page again
def lasted(token: str) -> ResponseReturnValue:
    """After a worse answer: how long did it last?"""
    return _answer("lasted", token)


@bp.route("/followup/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one shows the page again
def followup(token: str) -> ResponseReturnValue:
    """How were you one or two days later?"""
    return _answer("followup", token)
