"""The home page, patients' rights and their printable card, the page for GP practices, and the data credits."""

import segno
from flask import Blueprint, render_template
from markupsafe import Markup

from ..i18n import page_language, translated
from ..public_urls import external_url
from .rights import NO_PROOF, SOURCES

bp = Blueprint("main", __name__)


@bp.get("/")
@translated
def home():
    """Two doors: a patient looking for a doctor, and someone who works at a GP practice."""
    return render_template("main/home.html")


@bp.get("/rights")
@translated
def rights():
    return render_template("main/rights.html", sources=SOURCES, no_proof=NO_PROOF)


@bp.get("/rights/card")
@translated
def rights_card():
    """A card to print and carry: the rights in the visitor's language and in English, and a QR code back to the
    rights page in that language."""
    url = external_url("main.rights", language=page_language().code)
    # segno writes only path data and the escaped title; the URL is the base URL setting and a language code.
    qr = Markup(segno.make_qr(url, error="m").svg_inline(scale=4, svgclass="qr-code", title=url))  # nosec B704
    return render_template("main/rights_card.html", rights_url=url, qr_code=qr, no_proof=NO_PROOF)


@bp.get("/for-practices")
def for_practices():
    """For people who work at a GP practice: the toolkit and the pledge."""
    return render_template("main/for_practices.html")


@bp.get("/about/data")
def data_sources():
    """Where the site's data comes from, the credits its licences ask for, and the open data API."""
    return render_template("main/data.html")
