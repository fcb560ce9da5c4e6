"""The reminder a real approval gives while demo listings are still shown beside the real ones."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from ..demo.loader import demo_listing_count, real_listing_count
from .models import StaffRole


def remind_about_demo_data() -> None:
    """After a real approval: while demo listings are shown beside real ones, say so, and offer to clear them."""
    demo = demo_listing_count()
    if not demo:
        return
    real = real_listing_count()
    shown = (
        ngettext(
            "This is the registry's first real listing, and %(num)d demo listing is still shown beside it.",
            "This is the registry's first real listing, and %(num)d demo listings are still shown beside it.",
            demo,
        )
        if real == 1
        else ngettext(
            "%(num)d demo listing is still shown beside the real ones.",
            "%(num)d demo listings are still shown beside the real ones.",
            demo,
        )
    )
    if current_user.role is StaffRole.ADMIN:
        # Markup % escapes the URL; the sentence is ours, from the catalog.
        offer = Markup(_('You can remove them on the <a href="%(url)s">demo data page</a>.')) % {  # nosec B704
            "url": url_for("staff.demo_data")
        }
    else:
        offer = _("An admin can remove them on the staff demo data page.")
    flash(Markup("{} {}").format(shown, offer), "info")
