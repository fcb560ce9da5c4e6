"""The toolkit pages: the details form, the in-browser preview and the PDF download."""

from flask import Blueprint, Response, render_template, request, url_for

from .. import nations
from ..practices.directory import finder_results
from . import builder, languages
from .forms import ToolkitForm
from .render_workers import RETRY_AFTER_SECONDS, RenderWorkerLost
from .service import build_for_app, current_edition

bp = Blueprint("toolkit", __name__, url_prefix="/toolkit")


def _form_page(form: ToolkitForm, status: int = 200, find: str = "", found=()):
    return render_template("toolkit/form.html", form=form, languages=languages.catalogue(),
                           find=find, found=found), status


@bp.get("")
def form():
    """The empty form; ?find= searches the directory and ?practice= fills in a practice (works without JS)."""
    find, found, chosen = finder_results(request.args)
    return _form_page(ToolkitForm(formdata=None, data=chosen), find=find, found=found)


@bp.post("")
def change():
    """Back from the preview to the form, with what was typed."""
    return _form_page(ToolkitForm())


def _preview_page(form: ToolkitForm, problem: str | None = None):
    """The preview; with a problem (the PDF was not made), that message first, and every detail still there."""
    toolkit_html = builder.toolkit_html(form.details, current_edition(),
                                        preview_stylesheet=url_for("toolkit.toolkit_stylesheet", _external=True))
    return render_template("toolkit/preview.html", form=form, details=form.details, toolkit_html=toolkit_html,
                           problem=problem, nation_name=nations.name(form.details.nation),
                           unreviewed=[lang for lang in builder.chosen_languages(form.details) if not lang.reviewed])


@bp.post("/preview")
def preview():
    form = ToolkitForm()
    if not form.validate():
        return _form_page(form, 422)
    return _preview_page(form)


@bp.post("/download")
def download():
    form = ToolkitForm()
    if not form.validate():
        return _form_page(form, 422)
    try:
        pdf = build_for_app(form.details)
    except builder.MissingFontError as error:
        return _preview_page(form, problem=str(error)), 503
    except RenderWorkerLost as error:  # passing trouble: say when to try again
        return _preview_page(form, problem=str(error)), 503, {"Retry-After": RETRY_AFTER_SECONDS}
    return pdf_response(pdf, builder.download_name(form.details))


@bp.get("/toolkit.css")
def toolkit_stylesheet():
    """The toolkit's own stylesheet, so that the in-browser preview looks like the PDF."""
    return Response(builder.toolkit_css() + "\n" + builder.language_css(), mimetype="text/css")


def pdf_response(pdf: bytes, filename: str) -> Response:
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
