"""The practice-field rules (fields.py) as WTForms validators, for the forms that are not the toolkit's (the
toolkit's form hands its fields to the details contract, which follows the same rules)."""

from wtforms.validators import StopValidation

from . import fields


def one_space(value: str | None) -> str:
    """A WTForms filter: text with each run of spaces (and line breaks) made one space."""
    return " ".join((value or "").split())


class Follows:
    """A validator from one of fields.py's rules: the rule's message at the field, what was typed kept when it
    is refused, the rule's tidied value kept when it is not.

    required marks the field required, as DataRequired would (its input gets the required attribute).
    """

    def __init__(self, rule, required: bool = False):
        self.rule = rule
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        try:
            field.data = self.tidied(field.data or "")
        except fields.FieldError as error:
            raise StopValidation(str(error)) from None

    def tidied(self, value: str):
        return self.rule(value)


class AddressLines(Follows):
    """The address rule for a text area: each line of the text a line of the address, kept as lines of text."""

    def __init__(self, required: bool = True):
        super().__init__(fields.address_lines, required)

    def tidied(self, value: str) -> str:
        return "\n".join(self.rule([one_space(line) for line in value.splitlines()]))
