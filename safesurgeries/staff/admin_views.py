"""Admin pages: listings (edit, unlist), staff accounts, the audit log and the toolkits' queue and e-mails."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import AuditEntry
from ..demo.loader import demo_listing_count
from ..extensions import db
from ..pledges import lifecycle
from ..pledges.models import Listing
from . import admin
from .access import admin_required
from .accounts import AccountError, clear_sign_in_throttle, create_staff, slowed_sign_ins
from .forms import ListingForm, StaffForm, UnlistForm
from .models import StaffRole, StaffUser
from .views import bp

AUDIT_PAGE_SIZE = 100


@bp.get("/listings")
@admin_required
def listings():
    rows = db.session.scalars(
        db.select(Listing)
        .where(Listing.active.is_(True), Listing.is_demo.is_(False))
        .order_by(Listing.listed_since.desc())
    ).all()
    return render_template("staff/listings.html", listings=rows, demo=demo_listing_count())


@bp.route("/listings/<int:listing_id>", methods=["GET", "POST"])
@admin_required
def listing(listing_id: int):
    item = db.get_or_404(Listing, listing_id, description=f"There is no listing #{listing_id}.")
    form = ListingForm(obj=item)
    if form.validate_on_submit():
        outcome = lifecycle.edit_listing(
            listing_id, current_user._get_current_object(), form.display_name.data, form.display_phone.data
        )
        flash(outcome.message, "success" if outcome.done else "info")
        return redirect(url_for("staff.listing", listing_id=listing_id), 303)
    return render_template("staff/listing.html", listing=item, form=form, unlist_form=UnlistForm(formdata=None)), (
        422 if form.errors else 200
    )


@bp.post("/listings/<int:listing_id>/unlist")
@admin_required
def unlist(listing_id: int):
    item = db.get_or_404(Listing, listing_id, description=f"There is no listing #{listing_id}.")
    form = UnlistForm()
    if not form.validate():
        return render_template("staff/listing.html", listing=item, form=ListingForm(obj=item), unlist_form=form), 422
    outcome = lifecycle.unlist(listing_id, current_user._get_current_object(), form.reason.data)
    flash(outcome.message, "success" if outcome.done else "error")
    return redirect(url_for("staff.listings"), 303)


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = StaffForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = create_staff(
                form.email.data,
                form.password.data,
                StaffRole(form.role.data),
                created_by=current_user._get_current_object(),
            )
        except AccountError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
            status = 422
        else:
            flash(f"Created a {user.role.value} account for {user.email}.", "success")
            return redirect(url_for("staff.users"), 303)
    elif form.errors:
        status = 422
    accounts = db.session.scalars(db.select(StaffUser).order_by(StaffUser.email)).all()
    return render_template(
        "staff/users.html", accounts=accounts, form=form, roles=list(StaffRole), slowed=slowed_sign_ins()
    ), status


@bp.post("/users/<int:user_id>")
@admin_required
def change_user(user_id: int):
    user = db.get_or_404(StaffUser, user_id, description=f"There is no staff account #{user_id}.")
    me = current_user._get_current_object()
    try:
        if "active" in request.form:
            admin.set_staff_active(user, me, request.form["active"] == "1")
        elif "role" in request.form:
            try:
                role = StaffRole(request.form["role"])
            except ValueError:
                abort(400, description="Unknown role.")
            admin.set_staff_role(user, me, role)
        else:
            abort(400, description="Nothing to change.")
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(f"Saved {user.email}.", "success")
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<int:user_id>/sign-in-throttle")
@admin_required
def clear_throttle(user_id: int):
    """Let the account's owner (and anyone else) try its password again at once, from every place."""
    user = db.get_or_404(StaffUser, user_id, description=f"There is no staff account #{user_id}.")
    clear_sign_in_throttle(user, current_user._get_current_object())
    flash(f"Sign-in tries for {user.email} are no longer slowed down.", "success")
    return redirect(url_for("staff.users"), 303)


@bp.get("/audit")
@admin_required
def audit_log():
    """Every staff action and state change, newest first, filtered by action, actor or subject."""
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    filters = {name: request.args.get(name, "").strip()[:100] for name in ("action", "actor", "subject")}
    if filters["action"]:
        query = query.where(AuditEntry.action.startswith(filters["action"], autoescape=True))
    if filters["actor"]:
        query = query.where(AuditEntry.actor.icontains(filters["actor"], autoescape=True))
    if filters["subject"]:
        kind, _, number = filters["subject"].partition("#")
        query = query.where(AuditEntry.subject_type == kind.strip())
        if number.strip().isdecimal() and int(number) < 2**31:  # int() refuses "²"; the column is a 32-bit integer
            query = query.where(AuditEntry.subject_id == int(number))
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and 0 < int(page) < 100_000 else 1
    entries = db.session.scalars(query.offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE + 1)).all()
    return render_template(
        "staff/audit.html",
        entries=entries[:AUDIT_PAGE_SIZE],
        filters=filters,
        page=page,
        more=len(entries) > AUDIT_PAGE_SIZE,
    )


@bp.get("/toolkits")
@admin_required
def toolkits():
    """The toolkit job queue (workers, toolkits waiting and being made: a batch's progress) and each edition's
    e-mails to listed practices: sent, waiting, failed and opened."""
    from ..toolkit import editions, jobs

    sent = db.session.scalars(
        db.select(editions.EditionMailing.edition).distinct().order_by(editions.EditionMailing.edition.desc())
    ).all()
    return render_template(
        "staff/toolkits.html",
        health=jobs.health(current_app),
        queues=jobs.overview(current_app),
        editions=[(edition, editions.status(edition)) for edition in sent],
        current_edition=current_app.config["TOOLKIT_EDITION"],
    )
