"""The right rules for the practice's own nation: an England, a Scotland and a Wales edition, each stating only its
own nation's law, and a plain refusal for Northern Ireland, through the API, the form and the command line."""

import json

import pytest
from bs4 import BeautifulSoup
from conftest import pdf_pages, section_text
from test_practices import SAMPLE, import_file

BASE = {"practice_name": "Harbour View Surgery", "address_lines": ["1 Harbour Road"], "phone": "0131 496 0000"}
POSTCODES = {"england": "SE15 5AB", "scotland": "EH6 8RG", "wales": "CF10 3RB"}

# Each nation's own law, which its edition must cite, and which no other nation's edition may print.
OWN_LAW = {
    "england": [
        "General Medical Services Contracts) Regulations 2015",
        "https://www.legislation.gov.uk/uksi/2015/1862",
    ],
    "scotland": [
        "(Scotland) Regulations 2018",
        "https://www.legislation.gov.uk/ssi/2018/66",
        "not considered reasonable grounds to refuse or delay registering a patient",
    ],
    "wales": ["(Wales) Regulations 2023", "https://www.legislation.gov.uk/wsi/2023/953", "WHC/2025/025"],
}
# Claims that are England's alone, or (Scotland, Wales) not supported by FACTS.md for that nation.
NOT_FOR = {
    "scotland": [
        "Anyone in Scotland can register with a GP practice and see a GP free of charge",
        "Standard Operating Principles",
        "Seeing a GP is free",
    ],
    "wales": ["free of charge", "Seeing a GP is free", "Standard Operating Principles", "GP care is free"],
}


@pytest.fixture(scope="module")
def editions(toolkit_pdf_for):
    return {
        nation: toolkit_pdf_for({**BASE, "postcode": postcode, "languages": ["pl"]})
        for nation, postcode in POSTCODES.items()
    }


@pytest.mark.parametrize("nation", POSTCODES)
def test_each_nation_gets_its_own_edition_naming_its_own_law_and_no_other(editions, nation):
    response = editions[nation]
    assert response.headers["Toolkit-Nation"] == nation
    text = " ".join(pdf_pages(response.data))
    name = nation.capitalize()
    assert f"For GP practices in {name}: it follows {name}'s rules." in text
    assert f"Safe Surgeries toolkit for {name}, edition 2026.2" in text  # every footer says it too
    for phrase in OWN_LAW[nation]:
        assert phrase in text, phrase
    for other, phrases in OWN_LAW.items():
        if other != nation:
            assert not [phrase for phrase in phrases if phrase in text], other
    assert not [phrase for phrase in NOT_FOR.get(nation, []) if phrase in text]


def test_posters_and_cards_name_the_practices_nation(editions):
    polish = {nation: section_text(response.data, "Poster: Polish") for nation, response in editions.items()}
    assert "W Walii" in polish["wales"] and "Anglii" not in polish["wales"]
    assert "W Szkocji" in polish["scotland"] and "Anglii" not in polish["scotland"]
    assert "Każdy w Anglii" in polish["england"]
    cards = section_text(editions["wales"].data, "Patient cards: English")
    assert cards.count("In Wales, anyone can ask to register with a GP practice.") == 6


def test_references_list_only_the_nations_own_sources_with_addresses(editions):
    scotland = section_text(editions["scotland"].data, "References")
    assert "https://www.legislation.gov.uk/ssi/2018/66" in scotland
    assert "legislation.gov.uk/uksi/2015/1862" not in scotland and "wsi/2023/953" not in scotland


def test_northern_ireland_is_refused_plainly_with_sources_and_no_pdf(client):
    response = client.post("/api/v1/toolkits", json={**BASE, "postcode": "BT1 5GS"})
    assert response.status_code == 422 and response.is_json
    body = response.get_json()
    assert body["nation"] == "northern-ireland"
    (message,) = body["errors"]["postcode"]
    for fact in (
        "There is no toolkit for practices in Northern Ireland",
        "HSCR-1",
        "Business Services Organisation",
        "https://hscbusiness.hscni.net/services/1814.htm",
        "Law Centre NI",
    ):
        assert fact in message


def test_a_postcode_and_a_stated_nation_that_disagree_are_an_error(client):
    response = client.post("/api/v1/toolkits", json={**BASE, "postcode": "CF10 3RB", "nation": "england"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "nation": [
            "The postcode CF10 3RB is in Wales, not England. Each nation has its own rules: check the postcode, "
            "or leave the nation out."
        ]
    }
    agreeing = client.post("/api/v1/toolkits", json={**BASE, "postcode": "CF10 3RB", "nation": "Wales"})
    assert agreeing.status_code == 200 and agreeing.headers["Toolkit-Nation"] == "wales"


def test_a_postcode_the_directory_does_not_know_needs_its_nation(client):
    # Too new for the ONS data, in a district (Berwick's) that crosses the border: its nation cannot be known.
    unknown = {**BASE, "postcode": "TD15 9ZZ"}
    response = client.post("/api/v1/toolkits", json=unknown)
    assert response.status_code == 422
    assert "We cannot tell which nation TD15 9ZZ is in" in response.get_json()["errors"]["postcode"][0]
    # One in a district wholly in one nation takes the district's.
    newer = client.post("/api/v1/toolkits", json={**BASE, "postcode": "EH99 9ZZ", "languages": []})
    assert newer.status_code == 200 and newer.headers["Toolkit-Nation"] == "scotland"
    stated = client.post("/api/v1/toolkits", json={**unknown, "nation": "england", "languages": []})
    assert stated.status_code == 200 and stated.headers["Toolkit-Nation"] == "england"


def test_the_form_shows_the_nation_and_refuses_northern_ireland(client, csrf_token_from):
    token = csrf_token_from(client.get("/toolkit").data)
    form = {**BASE, "address_lines": BASE["address_lines"][0], "csrf_token": token}
    preview = client.post("/toolkit/preview", data={**form, "postcode": "EH6 8RG"})
    assert preview.status_code == 200
    assert "It follows the rules for GP practices in Scotland" in " ".join(
        BeautifulSoup(preview.data, "html.parser").find(id="toolkit-nation").get_text().split()
    )
    refused = client.post("/toolkit/download", data={**form, "postcode": "BT1 5GS"})
    assert refused.status_code == 422 and refused.mimetype == "text/html"
    page = BeautifulSoup(refused.data, "html.parser")
    assert "There is no toolkit for practices in Northern Ireland" in page.find(id="postcode-error").get_text()


def test_a_welsh_practice_from_the_directory_gets_the_wales_edition(app, runner, client, csrf_token_from):
    import_file(runner, SAMPLE)
    page = BeautifulSoup(client.get("/toolkit?practice=W91002").data, "html.parser")
    chosen = {name: page.find(attrs={"name": name}) for name in ("practice_name", "address_lines", "postcode")}
    assert chosen["practice_name"]["value"] == "Plas Meddyg"  # cased as a person writes it
    data = {
        "practice_name": chosen["practice_name"]["value"],
        "address_lines": chosen["address_lines"].get_text(),
        "postcode": chosen["postcode"]["value"],
        "languages": ["pl"],
        "csrf_token": csrf_token_from(client.get("/toolkit").data),
    }
    response = client.post("/toolkit/download", data=data)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    poster = section_text(response.data, "Poster: Polish")
    assert "W Walii" in poster and "Anglii" not in poster


def test_the_cli_says_which_edition_and_refuses_northern_ireland(runner, tmp_path):
    details = tmp_path / "details.json"
    details.write_text(json.dumps({**BASE, "postcode": "CF10 3RB", "languages": ["pl"]}))
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(tmp_path / "wales.pdf")])
    assert result.exit_code == 0, result.output
    assert "the Wales edition" in result.output
    assert "machine translations not yet reviewed by a fluent speaker: Polish (pl)" in result.output

    details.write_text(json.dumps({**BASE, "postcode": "BT1 5GS"}))
    refused = runner.invoke(args=["toolkit", "build", str(details), "--out", str(tmp_path / "ni.pdf")])
    assert refused.exit_code == 1 and "There is no toolkit for practices in Northern Ireland" in refused.output
    assert not (tmp_path / "ni.pdf").exists()


def test_batch_reports_each_rows_nation_and_unreviewed_languages(runner, tmp_path):
    rows = tmp_path / "practices.csv"
    rows.write_text(
        "practice_name,address_lines,postcode,languages\n"
        "Leith Surgery,1 Shore,EH6 8RG,ar\n"
        "Belfast Surgery,1 Quay,BT1 5GS,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["toolkit", "batch", str(rows), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (
        "Row 2: safe-surgeries-toolkit-leith-surgery.pdf, the Scotland edition; not yet reviewed: Arabic (ar)"
        in result.output
    )
    assert "Row 3: skipped: postcode: There is no toolkit for practices in Northern Ireland" in result.output


def test_the_api_lists_unreviewed_languages_in_a_header(editions):
    assert editions["england"].headers["Toolkit-Unreviewed-Languages"] == "pl"
