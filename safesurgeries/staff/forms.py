"""Staff forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..pledges.models import REJECTION_LABELS
from ..practices import fields as practice_fields
from ..practices.validators import Follows
from .models import StaffRole


class SignInForm(FlaskForm):
    email = StringField("E-mail address", validators=[InputRequired("Enter your e-mail address."), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."), Length(max=1000)])


class RejectForm(FlaskForm):
    reason = SelectField(
        "Reason",
        choices=[(r.value, label) for r, label in REJECTION_LABELS.items()],
        validators=[InputRequired("Choose a reason.")],
    )
    note = TextAreaField("Note to the practice (required for 'Other')", validators=[Optional(), Length(max=2000)])


class ListingForm(FlaskForm):
    # The same rules for a practice's name and phone as the pledge form's and the toolkit's.
    display_name = StringField(
        "Name shown to the public (empty: the directory's name)", validators=[Follows(practice_fields.public_name)]
    )
    display_phone = StringField(
        "Phone shown to the public (empty: the directory's phone)",
        description=practice_fields.PHONE_HINT,
        validators=[Follows(practice_fields.phone)],
    )


class UnlistForm(FlaskForm):
    reason = StringField("Why is it being unlisted?", validators=[InputRequired("Say why."), Length(max=200)])


class StaffForm(FlaskForm):
    email = StringField("E-mail address", validators=[InputRequired("Enter an e-mail address."), Length(max=254)])
    password = PasswordField("Password (at least 12 characters)", validators=[InputRequired("Enter a password.")])
    role = SelectField("Role", choices=[(r.value, r.value) for r in StaffRole])
