"""The admin's "Clear the demo data" page.

The clearing itself is the demo package's (`clear_demo`, the same code as `safesurgeries demo clear`); these
views only show what is loaded, ask for confirmation and report.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..demo.loader import clear_demo, demo_listing_count, real_listing_count
from .access import admin_required
from .views import bp


@bp.get("/demo")
@admin_required
def demo_data():
    """What demo data is loaded, and a button (CSRF-protected, like every staff form) to remove it."""
    return render_template("staff/demo.html", demo=demo_listing_count(), real=real_listing_count())


@bp.post("/demo/clear")
@admin_required
def clear_demo_data():
    listings, practices = clear_demo(staff=current_user._get_current_object())
    if listings or practices:
        removed = ngettext(
            "Removed %(num)d demo listing and %(practices)d demo practices.",
            "Removed %(num)d demo listings and %(practices)d demo practices.",
            listings,
            practices=practices,
        )
        flash(f"{removed} {_('Only real listings are shown now.')}", "success")
    else:
        flash(_("There was no demo data to remove."), "info")
    return redirect(url_for("staff.demo_data"), 303)
