"""The listing address of a practice that is not, or no longer, listed: a page that says so, from the site's
templates."""

from bs4 import BeautifulSoup
from registry_helpers import LONDON, add_listing, add_practice, add_unlisted_pledge
from test_practices import SAMPLE, import_file

from safesurgeries.extensions import db
from safesurgeries.pledges.models import PledgeStatus

WERKZEUG_404 = "The requested URL was not found on the server"


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def links(soup: BeautifulSoup) -> set[str]:
    return {a["href"] for a in soup.select("main a, a")}


def test_a_directory_practice_that_never_listed_is_named_and_not_listed(app, runner, client):
    assert import_file(runner, SAMPLE).exit_code == 0
    response = client.get("/surgeries/e84083")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.get_text(" ", strip=True) == "Lanfranc Medical Centre is not listed as a Safe Surgery"
    assert "no longer" not in soup.get_text()
    assert {"/surgeries", "/map"} <= links(soup)
    assert WERKZEUG_404 not in response.get_data(as_text=True)


def test_a_withdrawn_listing_is_no_longer_listed(app, client):
    add_listing(
        app,
        "Y90001",
        "RIVERSIDE MEDICAL CENTRE",
        LONDON,
        active=False,
        pledge={"status": PledgeStatus.WITHDRAWN, "contact_name": "A Person", "contact_email": "a.person@example.org"},
    )
    response = client.get("/surgeries/Y90001")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.get_text(" ", strip=True) == "Riverside Medical Centre is no longer listed as a Safe Surgery"
    assert "withdrawn or has lapsed" in soup.get_text(" ", strip=True)
    assert {"/surgeries", "/map"} <= links(soup)


def test_a_code_in_no_directory_says_not_listed_without_a_name(app, client):
    response = client.get("/surgeries/Z99999%3Cb%3E")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.get_text(" ", strip=True) == "This practice is not listed as a Safe Surgery"
    assert "Z99999<B>" in soup.get_text() and not soup.find("b")  # the code is shown as text, never as markup
    assert {"/surgeries", "/map"} <= links(soup)


def test_a_listed_practice_keeps_its_page_and_etag(app, client):
    add_listing(app, "Y90002", "Hillside Surgery", LONDON)
    response = client.get("/surgeries/Y90002")
    assert response.status_code == 200 and page(response).h1.get_text(strip=True) == "Hillside Surgery"
    etag = response.headers["ETag"]
    assert client.get("/surgeries/Y90002", headers={"If-None-Match": etag}).status_code == 304
    # The not-listed page is not cached as if it were a listing: a practice may list any minute.
    assert "ETag" not in client.get("/surgeries/Y90003").headers


def test_an_unknown_address_gets_the_sites_own_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert WERKZEUG_404 not in response.get_data(as_text=True)
    assert soup.select_one("link[rel=stylesheet]") is not None  # the site's layout, not bare text
    assert {"/", "/surgeries", "/map"} <= links(soup)


def test_a_practice_whose_pledge_waits_for_review_is_not_listed_and_nothing_of_the_pledge_shows(app, client):
    add_unlisted_pledge(app, "Y90005", "WAITING ROOM SURGERY", LONDON, PledgeStatus.WAITING)
    response = client.get("/surgeries/Y90005")
    assert response.status_code == 404
    soup = page(response)
    said = soup.get_text(" ", strip=True)
    assert soup.h1.get_text(" ", strip=True) == "Waiting Room Surgery is not listed as a Safe Surgery"
    assert "If it has pledged recently, it is listed once its pledge has been checked." in said
    for private in ("Unlisted Person", "unlisted@example.org", "waiting", "review"):
        assert private not in said  # not even that a pledge exists
    # The rules of the practice's own nation, and a way on: a search box and the list.
    assert "In England, anyone can register with a GP practice" in said
    search = soup.select_one("main form[role=search]")
    assert search["action"] == "/surgeries" and search.select_one("input[name=q]") is not None


def test_a_scottish_practice_gets_scotlands_rule_and_an_unknown_code_none(app, client):
    with app.app_context():
        add_practice("S90001", "LEITH WALK SURGERY", "EH6 5QG", region=None)
        db.session.commit()
    said = page(client.get("/surgeries/S90001")).get_text(" ", strip=True)
    assert "In Scotland, you should not be delayed or refused registration" in said
    assert "In England" not in said
    unknown = page(client.get("/surgeries/Z99998")).get_text(" ", strip=True)
    assert "No practice on the Safe Surgeries registry has the ODS code Z99998" in unknown
    assert "In England" not in unknown and "In Scotland" not in unknown


def test_the_404_page_offers_a_search_and_other_errors_are_in_the_sites_words(client):
    soup = page(client.get("/no-such-page"))
    search = soup.select_one("main form[role=search]")
    assert search["action"] == "/surgeries" and search.select_one("input[name=q]")["type"] == "search"
    assert search.select_one("label").get_text(strip=True) == "Find a Safe Surgery: postcode, place or practice name"

    response = client.post("/surgeries")
    assert response.status_code == 405
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "This address does not take that kind of request"
    assert "The method is not allowed" not in soup.get_text()  # Werkzeug's stock wording
    assert {"/", "/surgeries", "/map"} <= links(soup)
