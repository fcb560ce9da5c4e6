"""The four UK nations. GP registration rules differ between them, so every practice has one.

A nation is known from a postcode (the ONS Postcode Directory gives each postcode a local authority,
whose GSS code starts with the nation's letter) or from the NHS practice list's national grouping.
"""

ENGLAND, SCOTLAND, WALES, NORTHERN_IRELAND = "england", "scotland", "wales", "northern-ireland"
NAMES = {ENGLAND: "England", SCOTLAND: "Scotland", WALES: "Wales", NORTHERN_IRELAND: "Northern Ireland"}
ALL = tuple(NAMES)
# Nations the toolkit has an edition for, and whose practices can pledge. Northern Ireland's registration
# runs through the Business Services Organisation, and the Safe Surgeries principles as written do not hold there.
WITH_TOOLKIT = (ENGLAND, SCOTLAND, WALES)

# Why there is neither a toolkit nor a pledge for Northern Ireland, with the sources and where to get advice.
# Only what ../shared/FACTS.md ("Other nations") supports; the toolkit and pledging each say it after their own
# first sentence.
NORTHERN_IRELAND_RULES = (
    "Registering with a GP practice works differently there: the applicant fills in form HSCR-1 and the Business "
    "Services Organisation (BSO) checks their entitlement; without satisfactory documents the application is not "
    "processed, and the BSO may check immigration status with the Home Office (BSO guidance notes; BSO, "
    "Entitlement to NHS services and first time registration: https://hscbusiness.hscni.net/services/1814.htm). "
    "So the Safe Surgery principles, as written for England, do not hold there. Who is entitled to free health "
    "services is set by the Provision of Health Services to Persons Not Ordinarily Resident Regulations (Northern "
    "Ireland) 2015, with exemptions for refugees, asylum seekers and children in care, among others "
    "(https://legislation.gov.uk/nisr/2015/27/part/1/made). For advice on migrants' access to health care in "
    "Northern Ireland, contact the Law Centre NI "
    "(https://www.lawcentreni.org/policy-advocacy/migrant-health-and-social-care)."
)

# The first letter of an ONS GSS code (E06000001, S12000033, W06000001, N09000001). L (Channel Islands)
# and M (Isle of Man) are not in the UK's NHS, so they have no nation here.
_GSS_LETTER = {"E": ENGLAND, "S": SCOTLAND, "W": WALES, "N": NORTHERN_IRELAND}


def from_gss_code(code: str | None) -> str | None:
    """The nation of an ONS area code, or None for none or an area outside the four nations."""
    return _GSS_LETTER.get((code or "")[:1].upper())


def name(nation: str | None) -> str:
    """'Scotland'; 'an unknown nation' for None."""
    return NAMES.get(nation or "", "an unknown nation")


# The NHS practice list's national grouping for Wales (epraccur field 3); England's are NHS regions (Y56...).
WALES_GROUPING = "W00"


def from_grouping(code: str | None) -> str | None:
    """Wales for the NHS practice list's W00; None for any other grouping (an English region says less than the
    postcode does about a practice near the border)."""
    return WALES if (code or "").strip().upper() == WALES_GROUPING else None
