"""The pledge form: the practice, the contact, the principles and consent."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Email, Length, ValidationError

from .. import nations
from ..practices import fields as practice_fields
from ..practices.codes import ODS_CODE
from ..practices.validators import AddressLines, Follows, one_space
from .eligibility import NotPledgeableHere, pledge_nation
from .principles import BY_NATION, PRINCIPLES, principles_for


class PledgeForm(FlaskForm):
    ods_code = StringField(
        "ODS code (optional)",
        filters=[lambda v: (v or "").strip().upper()],
        validators=[Follows(practice_fields.ods_code)],
        description="The NHS code of your practice. Leave it empty if your practice is not in the NHS directory.",
    )
    practice_name = StringField(
        "Practice name", filters=[one_space], validators=[Follows(practice_fields.practice_name, required=True)]
    )
    address_lines = TextAreaField(
        "Practice address", description=practice_fields.ADDRESS_HINT, validators=[AddressLines()]
    )
    postcode = StringField("Postcode", validators=[Follows(practice_fields.postcode, required=True)])
    contact_name = StringField(
        "Your name",
        filters=[one_space],
        validators=[DataRequired("Enter your name."), Follows(practice_fields.contact_name)],
    )
    contact_role = StringField(
        "Your role",
        description="For example, practice manager or GP partner.",
        filters=[one_space],
        validators=[DataRequired("Enter your role at the practice."), Follows(practice_fields.contact_role)],
    )
    contact_email = StringField(
        "Your work e-mail address",
        description="We send a link to this address to confirm the pledge. An nhs.net address is quickest to check.",
        filters=[lambda v: (v or "").strip()],
        validators=[
            DataRequired("Enter your work e-mail address."),
            Length(max=254),
            Email("Enter an e-mail address like name@nhs.net."),
        ],
    )
    # The choices follow the practice's nation (follow_nation); validate_principles checks them all.
    principles = SelectMultipleField(
        "The Safe Surgery principles",
        choices=list(PRINCIPLES),
        validate_choice=False,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
    consent_public = BooleanField("List our practice publicly as a Safe Surgery")

    nation: str | None = None  # the practice's nation, once follow_nation() has looked
    refusal: str | None = None  # why a practice in this nation cannot pledge here

    def follow_nation(self) -> None:
        """Find the practice's nation from its ODS code or postcode, and offer that nation's principles."""
        ods_code = (self.ods_code.data or "").strip().upper()
        try:
            self.nation = pledge_nation(ods_code if ODS_CODE.fullmatch(ods_code) else None, self.postcode.data or "")
            self.refusal = None
        except NotPledgeableHere as error:
            self.nation, self.refusal = nations.NORTHERN_IRELAND, str(error)
        self.principles.choices = list(principles_for(self.nation))

    def validate(self, extra_validators=None) -> bool:
        self.follow_nation()
        return super().validate(extra_validators)

    def validate_postcode(self, field):
        """After the postcode's rule (Follows): a practice in a nation whose registry this is not is refused."""
        if self.refusal:
            raise ValidationError(self.refusal)

    def validate_principles(self, field):
        ticked = set(field.data or ())
        if self.refusal or ticked == {code for code, _ in self.principles.choices}:
            return
        if self.nation and any(ticked == {code for code, _ in other} for other in BY_NATION.values()):
            raise ValidationError(
                f"Your practice is in {nations.name(self.nation)}, so the principles are worded "
                f"for {nations.name(self.nation)}. Read them again and tick each one to pledge."
            )
        raise ValidationError("A Safe Surgery commits to every principle. Tick each one to pledge.")

    def validate_consent_public(self, field):
        if not field.data:
            raise ValidationError(
                "Tick the box to agree to the public listing. Without it we cannot list your practice."
            )

    def address_list(self) -> list[str]:
        return [" ".join(line.split()) for line in (self.address_lines.data or "").splitlines() if line.strip()]
