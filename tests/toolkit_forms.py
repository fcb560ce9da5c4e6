"""The toolkit form as a browser sends it, for the tests that post it."""

from bs4 import BeautifulSoup
from conftest import PRACTICE


def form_data(token: str, **overrides) -> dict:
    data = {
        **PRACTICE,
        "address_lines": "\n".join(PRACTICE["address_lines"]),
        "care_of_address_lines": "\n".join(PRACTICE["care_of_address_lines"]),
        "csrf_token": token,
    }
    data.update(overrides)
    return data


def kept_fields(page: BeautifulSoup) -> dict:
    """The details the preview page's Download button would send again."""
    fields = {}
    for field in page.find("form", action="/toolkit/download").find_all("input"):
        fields.setdefault(field["name"], []).append(field["value"])
    return fields
