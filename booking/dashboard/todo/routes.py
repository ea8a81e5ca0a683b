"""To do today: everything that needs a person, each with what to do and a "done"."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import EVERY_ROLE, roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.todo.forms import DoneForm
from booking.domain.messages import CHECKIN_ANSWERS
from booking.services.todo import tasks as todo


@bp.get("/todo")
@roles_required(*EVERY_ROLE)
def todo_list() -> str:
    """Today's to-do list, in the order things are best done."""
    return render_template(
        "dashboard/todo/todo.html",
        tasks=todo.tasks_for_today(now_utc()),
        kinds=todo.TaskKind,
        checkin_words=CHECKIN_ANSWERS,
        form=DoneForm(),
    )


@bp.post("/todo/done")
@roles_required(*EVERY_ROLE)
def todo_done() -> ResponseReturnValue:
    """Mark one item done (audited)."""
    form = DoneForm()
    if not form.validate():
        flash("Please press the button again.", "info")
    else:
        try:
            todo.mark_done(form.key.data, current_user.id, now_utc())
        except todo.NotOnTheList:
            flash("That was already done, or no longer needs anyone.", "info")
        else:
            flash("Done. Thank you.", "info")
    return redirect(url_for("dashboard.todo_list"), code=303)
