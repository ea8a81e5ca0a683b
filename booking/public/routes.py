from flask import render_template

from booking.public import bp
from booking.services.catalogue import bookable_services


@bp.get("/")
def index() -> str:
    """The home page: what the practice offers and how it works."""
    return render_template("public/index.html", services=bookable_services())
