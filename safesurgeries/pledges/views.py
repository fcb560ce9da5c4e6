"""The pledge pages: the form, check your answers, and the pages the e-mailed links open."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..practices.directory import find_practice, search_practices
from . import pledging
from .forms import PledgeForm
from .links import BadLink, read_token
from .principles import PRINCIPLES

bp = Blueprint("pledges", __name__, url_prefix="/pledge")


def _form_page(form: PledgeForm, status: int = 200, find: str = "", found=()):
    return render_template("pledges/form.html", form=form, find=find, found=found), status


@bp.get("")
def form():
    """The empty form; ?find= searches the directory and ?practice= fills in a practice (works without JS)."""
    find = request.args.get("find", "").strip()[:100]
    form = PledgeForm(formdata=None)
    practice = find_practice(request.args.get("practice", "")[:20])
    if practice is not None:
        form.ods_code.data = practice.ods_code
        form.practice_name.data = practice.name
        form.address_lines.data = "\n".join(practice.address_lines)
        form.postcode.data = practice.postcode
    return _form_page(form, find=find, found=search_practices(find) if find else ())


@bp.post("/check")
def check():
    """Check your answers, or the form again with what is wrong."""
    form = PledgeForm()
    if not form.validate():
        return _form_page(form, 422)
    practice = find_practice(form.ods_code.data) if form.ods_code.data else None
    return render_template("pledges/check.html", form=form, practice=practice, principles=PRINCIPLES)


@bp.post("/change")
def change():
    """Back from check-your-answers to the form, with everything typed."""
    return _form_page(PledgeForm())


@bp.post("/submit")
def submit():
    form = PledgeForm()
    if not form.validate():
        return _form_page(form, 422)
    pledging.submit_pledge(pledging.PledgeData(
        ods_code=form.ods_code.data or None, practice_name=form.practice_name.data,
        address_lines=form.address_list(), postcode=form.postcode.data, contact_name=form.contact_name.data,
        contact_role=form.contact_role.data, contact_email=form.contact_email.data,
        principles=list(form.principles.data), consent_public=form.consent_public.data))
    return redirect(url_for("pledges.sent"), 303)


@bp.get("/sent")
def sent():
    return render_template("pledges/sent.html")


def _claim_or_400(token: str, action: str):
    try:
        return read_token(token, action)
    except BadLink as error:
        abort(400, description=str(error))


# A GET never changes anything (mail scanners follow links): each link opens a page with a button that POSTs.
@bp.get("/confirm/<token>")
def confirm(token: str):
    _claim_or_400(token, "confirm")
    return render_template("pledges/link.html", action="confirm", token=token)


@bp.post("/confirm/<token>")
def confirm_post(token: str):
    try:
        outcome = pledging.confirm(_claim_or_400(token, "confirm"))
    except BadLink as error:
        abort(404, description=str(error))
    return render_template("pledges/outcome.html", action="confirm", outcome=outcome, token=token)


@bp.post("/resend/<token>")
def resend(token: str):
    try:
        outcome = pledging.resend_confirmation(_claim_or_400(token, "confirm"))
    except BadLink as error:
        abort(404, description=str(error))
    return render_template("pledges/outcome.html", action="resend", outcome=outcome, token=token)


@bp.get("/withdraw/<token>")
def withdraw(token: str):
    _claim_or_400(token, "withdraw")
    return render_template("pledges/link.html", action="withdraw", token=token)


@bp.post("/withdraw/<token>")
def withdraw_post(token: str):
    try:
        outcome = pledging.withdraw(_claim_or_400(token, "withdraw"))
    except BadLink as error:
        abort(404, description=str(error))
    return render_template("pledges/outcome.html", action="withdraw", outcome=outcome, token=token)


@bp.get("/reconfirm/<token>")
def reconfirm(token: str):
    _claim_or_400(token, "reconfirm")
    return render_template("pledges/link.html", action="reconfirm", token=token)


@bp.post("/reconfirm/<token>")
def reconfirm_post(token: str):
    try:
        outcome = pledging.reconfirm(_claim_or_400(token, "reconfirm"))
    except BadLink as error:
        abort(404, description=str(error))
    return render_template("pledges/outcome.html", action="reconfirm", outcome=outcome, token=token)
