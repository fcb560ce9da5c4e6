"""The pledge pages: the form, check your answers, and the pages the e-mailed links open."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .. import nations
from ..practices.directory import find_practice, finder_results
from . import lifecycle
from .forms import PledgeForm
from .links import BadLink, read_token
from .principles import principles_for

bp = Blueprint("pledges", __name__, url_prefix="/pledge")


def _form_page(form: PledgeForm, status: int = 200, find: str = "", found=()):
    if form.nation is None:
        form.follow_nation()  # a practice chosen from the directory, or answers brought back to change
    return render_template("pledges/form.html", form=form, find=find, found=found), status


@bp.get("")
def form():
    """The empty form; ?find= searches the directory and ?practice= fills in a practice (works without JS)."""
    find, found, chosen = finder_results(request.args)
    return _form_page(PledgeForm(formdata=None, data=chosen), find=find, found=found)


@bp.post("/check")
def check():
    """Check your answers, or the form again with what is wrong."""
    form = PledgeForm()
    if not form.validate():
        return _form_page(form, 422)
    practice = find_practice(form.ods_code.data) if form.ods_code.data else None
    return render_template(
        "pledges/check.html",
        form=form,
        practice=practice,
        principles=principles_for(form.nation),
        nation_name=nations.name(form.nation),
    )


@bp.post("/change")
def change():
    """Back from check-your-answers to the form, with everything typed."""
    return _form_page(PledgeForm())


@bp.post("/submit")
def submit():
    form = PledgeForm()
    if not form.validate():
        return _form_page(form, 422)
    lifecycle.submit(
        lifecycle.PledgeData(
            ods_code=form.ods_code.data or None,
            practice_name=form.practice_name.data,
            address_lines=form.address_list(),
            postcode=form.postcode.data,
            contact_name=form.contact_name.data,
            contact_role=form.contact_role.data,
            contact_email=form.contact_email.data,
            principles=list(form.principles.data),
            consent_public=form.consent_public.data,
        )
    )
    return redirect(url_for("pledges.sent"), 303)


@bp.get("/sent")
def sent():
    return render_template("pledges/sent.html")


# What each e-mailed link does when its button is pressed.
LINK_ACTIONS = {"confirm": lifecycle.confirm, "withdraw": lifecycle.withdraw, "reconfirm": lifecycle.reconfirm}
LINK_RULE = "/<any(confirm, withdraw, reconfirm):action>/<token>"


def _claim_or_400(token: str, action: str):
    try:
        return read_token(token, action)
    except BadLink as error:
        abort(400, description=str(error))


# A GET never changes anything (mail scanners follow links): each link opens a page with a button that POSTs.
@bp.get(LINK_RULE)
def link(action: str, token: str):
    _claim_or_400(token, action)
    return render_template("pledges/link.html", action=action, token=token)


@bp.post(LINK_RULE)
def link_post(action: str, token: str):
    return _outcome(action, LINK_ACTIONS[action], token, action)


@bp.post("/resend/<token>")
def resend(token: str):
    """A fresh confirmation e-mail, offered when a confirmation link has expired."""
    return _outcome("resend", lifecycle.resend_confirmation, token, "confirm")


def _outcome(action: str, change, token: str, link_action: str):
    try:
        outcome = change(_claim_or_400(token, link_action))
    except BadLink as error:
        abort(404, description=str(error))
    return render_template("pledges/outcome.html", action=action, outcome=outcome.code, token=token)
