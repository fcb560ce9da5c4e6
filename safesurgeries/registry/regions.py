"""NHS England's regions, as coded in epraccur field 3."""

REGION_NAMES = {
    "Y56": "London",
    "Y58": "South West",
    "Y59": "South East",
    "Y60": "Midlands",
    "Y61": "East of England",
    "Y62": "North West",
    "Y63": "North East and Yorkshire",
}


def region_name(code: str | None) -> str | None:
    """The region's name, or None for a code we do not know (or none)."""
    return REGION_NAMES.get(code or "")
