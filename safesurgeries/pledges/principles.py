"""The Safe Surgery principles a practice pledges to (the toolkit's pledge page prints England's list).

Each is a commitment of the practice, not a statement of the law. Where a commitment must be worded differently
for a nation's rules (../shared/FACTS.md, "Other nations"), that nation's version has a code of its own, so a
pledge's stored codes say exactly which wording was signed. Northern Ireland has none: pledging refuses it.
"""

from .. import nations

PRINCIPLES = (
    ("no-proof-of-address", "We will not refuse to register anyone because they have no proof of address."),
    ("no-id-required", "We will not insist that anyone shows ID to register."),
    ("no-immigration-checks", "We will never ask to see a visa or proof of immigration status."),
    (
        "staff-reassure",
        "We will make sure that all our staff, clinical and non-clinical, can reassure patients "
        "that their information is safe with us.",
    ),
    ("interpreters", "We will use an interpreter whenever one is needed."),
    ("posters", "We will display posters saying that our practice is a safe space for everyone."),
    ("training-and-policy", "We will train our front-line staff and adopt an inclusive registration policy."),
)
PRINCIPLE_CODES = tuple(code for code, _ in PRINCIPLES)

# Scottish Government guidance (2018): no proof of address is not a reason to refuse or delay registration,
# and a practice can use an agreed address such as its own.
SCOTLAND_ADDRESS = (
    "no-proof-of-address-scotland",
    (
        "We will not refuse or delay registering anyone because they have no proof of address; for "
        "someone without a fixed address we will use an agreed address, such as our practice's own."
    ),
)
# In Wales free primary care for overseas visitors is not simply free to everyone: Welsh Health Circular
# WHC/2025/025 sets who is eligible and says to seek advice from overseas visitors managers otherwise.
WALES_IMMIGRATION = (
    "no-immigration-checks-wales",
    (
        "We will not ask to see a visa or proof of immigration status in order to register anyone. "
        "Where a patient's eligibility for free primary care is in question, we will follow Welsh "
        "Health Circular WHC/2025/025 and seek advice from an overseas visitors manager."
    ),
)


def _replacing(code: str, replacement: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(replacement if principle[0] == code else principle for principle in PRINCIPLES)


BY_NATION = {
    nations.ENGLAND: PRINCIPLES,
    nations.SCOTLAND: _replacing("no-proof-of-address", SCOTLAND_ADDRESS),
    nations.WALES: _replacing("no-immigration-checks", WALES_IMMIGRATION),
}


def principles_for(nation: str | None) -> tuple[tuple[str, str], ...]:
    """(code, text) of the principles a practice in this nation pledges to; England's when the nation is unknown."""
    return BY_NATION.get(nation or nations.ENGLAND, PRINCIPLES)
