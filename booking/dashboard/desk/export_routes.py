"""Export bookings for a date range as CSV (reception and admin): a form, then the file."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from booking.auth.roles import roles_required
from booking.clock import now_utc
from booking.dashboard import bp
from booking.dashboard.desk.forms import ExportForm
from booking.domain.desk_rules import MAX_EXPORT_DAYS, export_range_problem
from booking.domain.statuses import StaffRole
from booking.services.booking import export

EXPORT_ROLES = (StaffRole.RECEPTION, StaffRole.ADMIN)


@bp.get("/export")
@roles_required(*EXPORT_ROLES)
def export_bookings() -> ResponseReturnValue:
    """The form; with ?first=&last= the CSV of bookings starting on those days."""
    if not request.args:
        form = ExportForm(formdata=None)
        return render_template("dashboard/desk/export.html", form=form, max_days=MAX_EXPORT_DAYS)
    form = ExportForm(formdata=request.args)
    valid = form.validate()
    if valid:
        problem = export_range_problem(form.first.data, form.last.data)
        if problem is not None:
            form.last.errors = [problem]
            valid = False
    if not valid:
        page = render_template("dashboard/desk/export.html", form=form, max_days=MAX_EXPORT_DAYS)
        return page, 422
    done = export.export_bookings(form.first.data, form.last.data, current_user.id, now_utc())
    response = Response("".join(export.csv_lines(done)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{done.filename}"'
    return response
