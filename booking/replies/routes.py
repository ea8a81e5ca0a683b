"""Answer pages: a link opens a confirmation page; its button records the answer."""

from __future__ import annotations

from datetime import datetime

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from booking.clock import now_utc
from booking.domain.messages import LASTED_ANSWERS, WORSE
from booking.extensions import csrf
from booking.replies import bp
from booking.services.booking import checkin as checkin_actions
from booking.services.booking import tokens
from booking.services.messaging import replies
from booking.services.sessions import loop


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
            if kind == "checkin":  # the check-in acts: postpone, shorten, a call instead
                answered = checkin_actions.answer(token, now)
                page |= _after_checkin(answered, now)
            elif kind == "offer":  # a yes to a longer session changes the booking
                replies.record(kind, token, now, then=loop.act_on_offer)
                # A longer session has a new SEQUENCE: the check-in asked afresh, right here.
                page["asking"] = replies.asking_now(reply.booking, now)
            else:
                replies.record(kind, token, now)
        except replies.ReplyProblem as problem:
            return render_template("replies/answer.html", problem=problem.reason, **page), 409
        if kind == "followup" and reply.answer in WORSE:  # then: how long did it last?
            page["lasted_links"] = replies.answer_links("lasted", reply.booking)
            page["lasted_words"] = LASTED_ANSWERS
        return render_template("replies/recorded.html", **page)
    return render_template("replies/answer.html", problem=reply.problem, **page)


def _after_checkin(answered: checkin_actions.Answered, now: datetime) -> dict[str, object]:
    """What the thank-you page shows after a check-in answer has acted."""
    booking = answered.reply.booking
    if answered.reply.answer != "postpone":
        return {"shortened": answered.shortened}
    return {  # cancelled: times to book again, one press each (then one to confirm)
        "again_token": tokens.stored_token(booking),
        "again_times": checkin_actions.times_to_book_again(booking, now),
    }


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


@bp.route("/offer/<token>", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one shows the page again
def offer(token: str) -> ResponseReturnValue:
    """An offer of a little more massage next session: yes, please, or keep it as it is."""
    return _answer("offer", token)
