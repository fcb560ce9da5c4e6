"""The sentences a patient reads on the toolkit's posters and cards, in English.

English is the source language: each sentence is a gettext msgid, with its key as the msgctxt, so that a
translator's tool shows what it is for and two sentences that read alike in English may differ in another
language. The translations are in the catalogs (translations/<locale>/LC_MESSAGES/messages.po).
"""


def sheet_text(key: str, english: str) -> tuple[str, str]:
    """Marks a sentence for `pybabel extract` (keyword sheet_text:1c,2: the key is the msgctxt)."""
    return key, english


SHEET_TEXT = dict(
    (
        sheet_text("poster_heading", "Everyone is welcome to register here"),
        sheet_text("poster_register", "You can register with a GP here."),
        sheet_text("poster_no_proof", "You can register here without proof of address, ID or immigration status."),
        sheet_text("poster_interpreter", "You can ask for an interpreter."),
        sheet_text("card_heading", "Registering with a GP"),
        sheet_text(
            "card_no_proof",
            "This practice registers people without asking for proof of address, ID or immigration status.",
        ),
        sheet_text("card_interpreter", "You can ask for an interpreter."),
        sheet_text("card_request", "Please register me with this GP practice."),
        sheet_text("phone_label", "Phone"),
        sheet_text("address_label", "Address"),
        sheet_text("nation_england", "Anyone in England can register with a GP practice and see a GP free of charge."),
        sheet_text(
            "nation_scotland",
            "In Scotland, you should not be refused or delayed registration at a GP practice because you cannot "
            "show ID or proof of address.",
        ),
        sheet_text("nation_wales", "In Wales, anyone can ask to register with a GP practice."),
        sheet_text(
            "machine_translation",
            "This translation was made by machine and has not yet been checked by a fluent speaker.",
        ),
    )
)
