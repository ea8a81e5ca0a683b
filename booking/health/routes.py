from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from booking.clock import now_utc
from booking.health import bp
from booking.services.health import CANNOT_WRITE, database_problem
from booking.services.messaging.worker import outbox_health


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """200 when the database answers a real query, 503 otherwise."""
    problem = database_problem()
    if problem is None:
        return {"status": "ok"}, 200
    current_app.logger.warning("health check: %s", problem)
    if problem.startswith(CANNOT_WRITE):  # it answers, but a booking would not save
        return {"status": "unavailable", "problem": CANNOT_WRITE}, 503
    return {"status": "unavailable"}, 503


@bp.get("/healthz/outbox")
def outbox_healthz() -> tuple[dict[str, object], int]:
    """For an uptime monitor: 503 when no outbox worker has been seen for 5 minutes or a due
    message has waited more than 10; 200 otherwise. Either way with the figures (no
    addresses, no contents): when a worker was last seen and how long the oldest waited."""
    now = now_utc()
    try:
        health = outbox_health(now)
    except SQLAlchemyError:
        return {"status": "unavailable", "problems": ["the database did not answer"]}, 503
    figures: dict[str, object] = {
        "last_worker_seen": health.last_seen.isoformat() if health.last_seen else None,
        "oldest_due_waited_seconds": int(health.oldest_wait.total_seconds()),
        "due_messages_waiting": health.waiting,
    }
    if health.problems:
        current_app.logger.warning("outbox health: %s", "; ".join(health.problems))
        return {"status": "unavailable", "problems": health.problems, **figures}, 503
    return {"status": "ok", **figures}, 200
