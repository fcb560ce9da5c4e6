"""The toolkit pages: the details form, the in-browser preview, the PDF download and, when a toolkit takes
longer than a few seconds, a page that says it is being made and refreshes itself (no JavaScript needed)."""

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import nations
from ..practices.directory import finder_results
from . import builder, languages
from .errors import ToolkitError
from .forms import ToolkitForm
from .service import current_edition, pdf_response, request_toolkit, toolkit_status

bp = Blueprint("toolkit", __name__, url_prefix="/toolkit")


def _form_page(form: ToolkitForm, status: int = 200, find: str = "", found=()):
    return render_template(
        "toolkit/form.html", form=form, languages=languages.catalogue(), find=find, found=found
    ), status


def _posted_form() -> ToolkitForm:
    """The request's form, made once: the view and the error handler below share it (and what was typed)."""
    if "toolkit_form" not in g:
        g.toolkit_form = ToolkitForm()
    return g.toolkit_form


@bp.get("")
def form():
    """The empty form; ?find= searches the directory and ?practice= fills in a practice (works without JS)."""
    find, found, chosen = finder_results(request.args)
    return _form_page(ToolkitForm(formdata=None, data=chosen), find=find, found=found)


@bp.post("")
def change():
    """Back from the preview to the form, with what was typed."""
    return _form_page(_posted_form())


def _preview_page(form: ToolkitForm, problem: str | None = None):
    """The preview; with a problem (the PDF was not made), that message first, and every detail still there."""
    toolkit_html = builder.toolkit_html(
        form.details, current_edition(), preview_stylesheet=url_for("toolkit.toolkit_stylesheet", _external=True)
    )
    return render_template(
        "toolkit/preview.html",
        form=form,
        details=form.details,
        toolkit_html=toolkit_html,
        problem=problem,
        nation_name=nations.name(form.details.nation),
        unreviewed=[lang for lang in builder.chosen_languages(form.details) if not lang.reviewed],
    )


@bp.post("/preview")
def preview():
    form = _posted_form()
    if not form.validate():
        return _form_page(form, 422)
    return _preview_page(form)


@bp.post("/download")
def download():
    form = _posted_form()
    if not form.validate():
        return _form_page(form, 422)
    requested = request_toolkit(form.details)
    if requested.pdf is None:  # a worker is still making it: a page that follows it, and downloads it when done
        return redirect(url_for("toolkit.being_made", key=requested.key), 303)
    return pdf_response(requested.pdf, requested.download.filename)


@bp.get("/edition/<token>")
def edition_link(token: str):
    """The link in a new edition's e-mail: that practice's own toolkit of the current edition, or the page that
    follows it while it is being made."""
    from ..extensions import db
    from ..pledges.models import Listing
    from . import editions

    found = editions.read_token(token)
    listing = db.session.get(Listing, found[0]) if found else None
    if listing is None:
        abort(404, _("This link is not right, or it is more than %(days)d days old.", days=editions.LINK_DAYS))
    try:
        requested = request_toolkit(editions.details_of(listing))
    except ToolkitError as error:
        return render_template("toolkit/being_made.html", problem=str(error)), error.status, _retry(error)
    editions.mark_opened(listing.id, found[1])
    if requested.pdf is None:
        return redirect(url_for("toolkit.being_made", key=requested.key), 303)
    return pdf_response(requested.pdf, requested.download.filename)


REFRESH_SECONDS = 3  # how often the "being made" page reloads itself


@bp.get("/made/<key>")
def being_made(key: str):
    """The toolkit's progress, reloaded every few seconds; when it is ready, a link to it, which opens at once."""
    try:
        status = toolkit_status(key)
    except ToolkitError as error:  # failed, or the queue unreachable: say so, with the way back to the form
        return render_template("toolkit/being_made.html", problem=str(error)), error.status, _retry(error)
    if status is None:
        abort(404, _("This toolkit is not being made, or it was made too long ago. Please make it again."))
    return render_template("toolkit/being_made.html", status=status, key=key, refresh=REFRESH_SECONDS, problem=None)


@bp.get("/made/<key>/pdf")
def made_pdf(key: str):
    try:
        status = toolkit_status(key)
    except ToolkitError as error:
        return render_template("toolkit/being_made.html", problem=str(error)), error.status, _retry(error)
    if status is None or status.pdf is None:  # not ready (or gone): back to the page that says so
        return redirect(url_for("toolkit.being_made", key=key), 303)
    return pdf_response(status.pdf, status.download.filename)


def _retry(error: ToolkitError) -> dict:
    return {"Retry-After": error.retry_after} if error.retry_after else {}


@bp.errorhandler(ToolkitError)
def toolkit_problem(error: ToolkitError):
    """Every toolkit error on these pages: what was typed wrong at its fields on the form; a PDF that could not be
    made (a missing font, a lost or slow render) on the preview, with the reason first and every detail kept."""
    form = _posted_form()
    headers = _retry(error)
    if form.details is None:  # the details themselves (or the postcode index they need)
        form.show_errors(error.field_errors)
        page, status = _form_page(form, error.status)
        return page, status, headers
    return _preview_page(form, problem=str(error)), error.status, headers


@bp.get("/toolkit.css")
def toolkit_stylesheet():
    """The toolkit's own stylesheet, so that the in-browser preview looks like the PDF."""
    return Response(builder.toolkit_css() + "\n" + builder.language_css(), mimetype="text/css")
