"""The Safe Surgery principles a practice pledges to (the toolkit's pledge page prints the same list)."""

PRINCIPLES = (
    ("no-proof-of-address", "We will not refuse to register anyone because they have no proof of address."),
    ("no-id-required", "We will not insist that anyone shows ID to register."),
    ("no-immigration-checks", "We will never ask to see a visa or proof of immigration status."),
    ("staff-reassure", "We will make sure that all our staff, clinical and non-clinical, can reassure patients "
                       "that their information is safe with us."),
    ("interpreters", "We will use an interpreter whenever one is needed."),
    ("posters", "We will display posters saying that our practice is a safe space for everyone."),
    ("training-and-policy", "We will train our front-line staff and adopt an inclusive registration policy."),
)
PRINCIPLE_CODES = tuple(code for code, _ in PRINCIPLES)
