"""The booking steps in a frame on the practice's own web site: /embed/book and on.

The same steps as /book (routes.py), with the framed flow: minimal chrome, every link and form
staying under /embed/ until the booking is made, and a form token that needs no cookie.
Only the sites admin lists may frame these pages (views/embedding.py); with none listed they
are as unframeable as every other page.
"""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from booking.extensions import csrf
from booking.public import bp
from booking.public.flow import FRAMED, Flow
from booking.public.routes import (
    booked_step,
    confirm_step,
    details_step,
    services_step,
    times_step,
)
from booking.views.embedding import allow_framing, check_post_origin


@bp.before_request
def _frame_the_embedded_pages() -> None:
    # Before the view, so an error page inside the frame (a 404, a refused post) shows too.
    if request.endpoint and request.endpoint.startswith("public.embed_"):
        allow_framing()
        if request.method == "POST":
            check_post_origin()


def _framed() -> Flow:
    """The framed flow, its links carrying the details typed so far, if any."""
    return FRAMED.carrying(request.args.get("draft"))


@bp.get("/embed/book")
def embed_choose_service() -> str:
    """Step 1 in a frame: choose what to book."""
    return services_step(_framed())


@bp.get("/embed/book/<slug>")
def embed_choose_time(slug: str) -> str:
    """Step 2 in a frame: choose a time."""
    return times_step(slug, _framed())


@bp.route("/embed/book/<slug>/details", methods=["GET", "POST"])
@csrf.exempt  # the framed form checks its own token, and the post's origin is checked
def embed_details(slug: str) -> ResponseReturnValue:
    """Step 3 in a frame: your details; its button books."""
    return details_step(slug, _framed())


@bp.post("/embed/book/<slug>/confirm")
@csrf.exempt  # the framed form checks its own token, and the post's origin is checked
def embed_confirm(slug: str) -> ResponseReturnValue:
    """Book from the check page in a frame."""
    return confirm_step(slug, _framed())


@bp.get("/embed/book/booked/<token>")
def embed_booked(token: str) -> ResponseReturnValue:
    """Step 5 in a frame: booked; the private pages open in a new tab, outside the frame."""
    return booked_step(token, FRAMED)
