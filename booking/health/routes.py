from flask import current_app

from booking.health import bp
from booking.services.health import database_problem


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database answers a real query, 503 otherwise."""
    problem = database_problem()
    if problem is None:
        return {"status": "ok"}, 200
    current_app.logger.warning("health check: the database did not answer: %s", problem)
    return {"status": "unavailable"}, 503
