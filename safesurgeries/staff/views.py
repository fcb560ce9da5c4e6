"""Staff pages: sign-in and sign-out, the moderation queue, and a pledge with its checks and decisions."""

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..pledges import lifecycle, review
from ..pledges.models import Pledge, PledgeStatus, RejectionReason
from .access import reviewer_required
from .accounts import sign_in
from .demo_notice import remind_about_demo_data
from .forms import RejectForm, SignInForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    message = None
    if form.validate_on_submit():
        result = sign_in(form.email.data, form.password.data, request.remote_addr)
        if result.user is not None:
            session.clear()  # a fresh session at sign-in
            session.permanent = True  # so that it expires after STAFF_SESSION_MINUTES without a request
            login_user(result.user)
            return redirect(_safe_next() or url_for("staff.queue"), 303)
        wrong = "The e-mail address or password is not right."
        if result.wait_until is None:
            return render_template("staff/login.html", form=form, message=wrong), 401
        seconds = max(1, math.ceil(result.wait.total_seconds()))
        wait = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
        slowed = (
            "There have been too many failed sign-ins for this e-mail address from your connection, so to "
            "slow down password guessing the next try from here is accepted after "
            f"{result.wait_until:%H:%M:%S} UTC (in {wait}). An administrator can clear this sooner."
        )
        if result.too_soon:  # the password was not checked: a 429, as for any other limit
            return render_template("staff/login.html", form=form, message=slowed), 429, {"Retry-After": str(seconds)}
        return render_template("staff/login.html", form=form, message=f"{wrong} {slowed}"), 401
    return render_template("staff/login.html", form=form, message=message), (422 if form.errors else 200)


def _safe_next() -> str | None:
    """Only a path on this site, never another site (an open redirect)."""
    target = request.args.get("next", "")
    return target if target.startswith("/staff") and "//" not in target and "\\" not in target else None


@bp.post("/logout")
@login_required
def logout():
    # Bumping the version ends every copy of this session, not only the cookie in this browser.
    current_user.session_version += 1
    audit.record("staff.signed_out", current_user._get_current_object(), staff=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("staff.login"), 303)


@bp.get("/pledges")
@reviewer_required
def queue():
    """Confirmed pledges, oldest first, with how long each has waited and its checks."""
    status_name = request.args.get("status", "waiting")
    if status_name not in review.QUEUE_FILTERS:
        abort(400, description=f"Unknown filter {status_name[:20]!r}; use one of {', '.join(review.QUEUE_FILTERS)}.")
    now = utcnow()
    pledges = review.queue(status_name)
    return render_template(
        "staff/queue.html",
        pledges=pledges,
        status_name=status_name,
        filters=review.QUEUE_FILTERS,
        checks={p.id: review.checks(p) for p in pledges},
        waited={p.id: review.waited(p, now) for p in pledges},
    )


@bp.get("/pledges/<int:pledge_id>")
@reviewer_required
def pledge(pledge_id: int):
    pledge = db.get_or_404(Pledge, pledge_id, description=f"There is no pledge #{pledge_id}.")
    return render_template(
        "staff/pledge.html", pledge=pledge, checks=review.checks(pledge), reject_form=RejectForm(formdata=None)
    )


@bp.post("/pledges/<int:pledge_id>/approve")
@reviewer_required
def approve(pledge_id: int):
    decision = lifecycle.approve(pledge_id, current_user._get_current_object())
    flash(decision.message, "success" if decision.done else "error")
    if decision.done:
        remind_about_demo_data()
    return redirect(url_for("staff.queue"), 303)


@bp.post("/pledges/approve")
@reviewer_required
def approve_selected():
    """Approve several at once; each is its own decision, reported one by one."""
    # isdecimal, not isdigit: int() refuses "²"; and an id a database integer can hold.
    ids = [int(value) for value in request.form.getlist("pledge") if value.isdecimal() and int(value) < 2**31][:200]
    if not ids:
        flash("Select at least one pledge to approve.", "error")
    approved = False
    for pledge_id in ids:
        decision = lifecycle.approve(pledge_id, current_user._get_current_object())
        flash(decision.message, "success" if decision.done else "error")
        approved = approved or decision.done
    if approved:
        remind_about_demo_data()
    return redirect(url_for("staff.queue"), 303)


@bp.post("/pledges/<int:pledge_id>/reject")
@reviewer_required
def reject(pledge_id: int):
    pledge = db.get_or_404(Pledge, pledge_id, description=f"There is no pledge #{pledge_id}.")
    form = RejectForm()
    if not form.validate():
        return render_template("staff/pledge.html", pledge=pledge, checks=review.checks(pledge), reject_form=form), 422
    decision = lifecycle.reject(
        pledge_id, current_user._get_current_object(), RejectionReason(form.reason.data), form.note.data
    )
    if not decision.done and pledge.status is PledgeStatus.WAITING:
        form.note.errors.append(decision.message)
        return render_template("staff/pledge.html", pledge=pledge, checks=review.checks(pledge), reject_form=form), 422
    flash(decision.message, "success" if decision.done else "error")
    return redirect(url_for("staff.queue"), 303)
