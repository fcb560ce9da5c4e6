"""The toolkit details form: WTForms for fields and CSRF, the details contract for the rules."""

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets

from .. import nations
from ..practices import fields as practice_fields
from . import languages
from .details import PracticeDetails
from .service import parse_for_app


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        """Unknown codes are reported by the details contract, in its words."""


class ToolkitForm(FlaskForm):
    practice_name = StringField("Practice name")
    ods_code = StringField(
        "ODS code (optional)", description="The NHS code of your practice: a letter and five digits, like A81001."
    )
    address_lines = TextAreaField("Practice address", description=practice_fields.ADDRESS_HINT)
    postcode = StringField(
        "Postcode",
        description="The toolkit follows the rules of the nation this postcode is in: England, Scotland or Wales.",
    )
    # The details contract checks the value (and says plainly what is wrong), so WTForms' own choice check is off.
    nation = SelectField(
        "Nation (optional)",
        validate_choice=False,
        choices=[("", "From the postcode")] + [(nation, nations.NAMES[nation]) for nation in nations.WITH_TOOLKIT],
        description="Only needed if the postcode is too new to be known; otherwise it must match the postcode.",
    )
    phone = StringField(
        "Phone number (optional)",
        description=f"Printed on the posters and the reception guide. {practice_fields.PHONE_HINT}",
    )
    email = StringField("E-mail address (optional)")
    website = StringField("Website (optional)")
    contact_name = StringField("Contact name (optional)", description="Printed in the pledge's signature block.")
    contact_role = StringField("Contact role (optional)", description="For example, practice manager.")
    care_of_address_lines = TextAreaField(
        "Care-of address (optional)",
        description="The address patients may give instead of their home address, one line per line, "
        "postcode included. Leave empty to use the practice's own address.",
    )
    interpreting_service = StringField(
        "Interpreting service (optional)",
        description="The telephone interpreting service your practice uses and its number.",
    )
    languages = CheckboxesField("Languages for posters and patient cards", description="English is always included.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = [
            (lang.code, lang.native_name) for lang in languages.catalogue().values() if lang.code != "en"
        ]
        self.details: PracticeDetails | None = None

    def details_data(self) -> dict:
        """The form's values in the details contract's shape (text areas become lists of lines)."""
        data = {}
        for name in (
            "practice_name",
            "ods_code",
            "postcode",
            "nation",
            "phone",
            "email",
            "website",
            "contact_name",
            "contact_role",
            "interpreting_service",
        ):
            value = (getattr(self, name).data or "").strip()
            if value:
                data[name] = value
        for name in ("address_lines", "care_of_address_lines"):
            data[name] = (getattr(self, name).data or "").splitlines()
        data["languages"] = self.languages.data or []
        return data

    def validate(self, extra_validators=None) -> bool:
        """WTForms' own checks (the CSRF token), then the details contract, whose ToolkitError is raised for the
        toolkit pages' one handler (views.toolkit_problem) to show at the fields."""
        if not super().validate(extra_validators):
            return False
        self.details = parse_for_app(self.details_data())
        return True

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put each field's messages at that field."""
        for name, messages in errors.items():
            getattr(self, name).errors = list(messages)
