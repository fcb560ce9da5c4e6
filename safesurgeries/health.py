"""`/healthz` and `/readyz`, for load balancers and orchestrators.

/healthz: this process answers (nothing else is asked, so a database outage does not get every web process
restarted). /readyz: it can do its work: the database answers, and with a job queue, Redis answers and at least
one worker is alive; 503 otherwise, with what failed.
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    from .toolkit import jobs

    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True, "detail": "answers"}
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.error("readyz: the database does not answer: %s", error)
        checks["database"] = {"ok": False, "detail": "does not answer"}
    queue = jobs.health(current_app)
    checks["job_queue"] = {"ok": queue.ok, "detail": queue.detail, "workers": queue.workers}
    ready = all(check["ok"] for check in checks.values())
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503
