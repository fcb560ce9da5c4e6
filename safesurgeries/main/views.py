"""The home page and the data credits page."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/about/data")
def data_sources():
    """Where the site's data comes from, and the credits its licences ask for."""
    return render_template("main/data.html")
