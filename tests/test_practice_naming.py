"""Directory names and addresses as a person writes them: real epraccur rows, the API, and the forms' prefill."""

import csv
import re

import pytest
from bs4 import BeautifulSoup
from conftest import SHARED_EPRACCUR
from test_practices import SAMPLE, import_file, input_value

from safesurgeries.practices.naming import MAX_ADDRESS_LINES, written_address, written_line, written_practice

# Real rows of the committed sample, each output read by eye: (ODS code, name, address lines).
SAMPLE_TABLE = [
    ("A81030", "Borough Road & Nunthorpe Medical Group", ["167A Borough Road", "Middlesbrough"]),
    ("A81035", "Newlands Medical Centre", ["Borough Road", "Middlesbrough", "Cleveland"]),
    ("A82621", "Askam Surgery", ["The Surgery", "2 Parklands Drive", "Askam-in-Furness", "Cumbria"]),
    (
        "A83070",
        "Middleton and Dinsdale Medical Practice",
        ["St George's M/P", "Yarm Rd", "Middleton St George", "Darlington"],
    ),
    ("A84005", "Bedlingtonshire Med. Group", ["Glebe Road", "Bedlington", "Northumberland"]),
    ("A85614", "The Bridges Medical Practice", ["Trinity Square Health Ctr", "Gateshead", "Tyne & Wear"]),
    ("B81035", "The Avenues Medical Centre", ["147-153 Chanterlands Ave", "Kingston upon Hull"]),
    (
        "C84074",
        "Family Medical Centre (Kirkby)",
        ["Family Medical Centre", "56A Low Moor Road", "Kirkby in Ashfield", "Nottinghamshire"],
    ),
    (
        "C85619",
        "St George's Medical Centre PMS Practice",
        ["Roundhouse Medical Centre", "Langsett Court", "New Lodge", "Barnsley"],
    ),
    ("D81066", "Queen Edith Medical Practice", ["59 Queen Edith's Way", "Cambridge"]),
    ("D83038", "Mount Farm Surgery", ["Lawson Place", "Bury St Edmunds", "Suffolk"]),
    ("E82055", "Midway Surgery", ["93 Watford Road", "St Albans", "Hertfordshire"]),
    ("E84083", "Lanfranc Medical Centre", ["Lanfranc Court", "Greenford Road", "Harrow", "Middlesex"]),
    ("E84704", "St Georges Medical Centre", ["Park Hill House", "9 Dollis Hill Lane", "London"]),
    ("F81025", "Dr GC Chajed's Practice", ["Kingswood Medical Centre", "Clayhill Road", "Basildon", "Essex"]),
    ("F81029", "Dr Degun & Dr Macaulay", ["93 The Knares", "Lee Chapel South", "Basildon", "Essex"]),
    ("F81088", "Southend Road Surgery", ["271A Southend Road", "Stanford-le-Hope", "Essex"]),
    ("F81144", "The Pall Mall Surgery", ["Leigh PCC", "918 London Rd", "Leigh on Sea", "Essex"]),
    ("F81740", "The Community Practice", ["C.C.P.C.C", "Long Road", "Canvey Island", "Essex"]),
    (
        "F83042",
        "Gray's Inn Medical Group Chancery Lane",
        ["Gray's Inn Road Med Ctr", "77 Gray's Inn Road", "Holborn", "London"],
    ),
    ("G81096", "Sedlescombe House", ["8 Sedlescombe Road South", "St Leonards-on-Sea", "East Sussex"]),
    ("G82083", "Thornhills Medical Practice", ["Larkfield HC", "Martin Sq", "Aylesford", "Kent"]),
    ("G85132", "Tessa Jowell GP Surgery", ["Tessa Jowell Health Ctr", "72H East Dulwich Grove", "London"]),
    ("GUE618", "Hanaghan J", ["Les Raies Cottage", "Rue de Raies", "St Saviours", "Guernsey"]),
    ("K84015", "Nettlebed Surgery", ["The Surgery", "Wanbourne Lane", "Nettlebed", "Henley-on-Thames", "Oxfordshire"]),
    ("L81031", "The Armada Family Practice", ["Whitchurch H/C", "Armada Rd", "Whitchurch", "Bristol"]),
    (
        "L83045",
        "Bovey Tracey & Chudleigh Practice",
        ["Riverside Surgery", "Le Molay", "Littry Way", "Bovey Tracey", "Devon"],
    ),
    ("L84054", "Mythe Medical Practice", ["1st Floor", "The Devereux", "Barton Road", "Tewkesbury"]),
    ("L85059", "Wellington (B)", ["Mantle Street", "Wellington", "Somerset"]),
    ("M84006", "Pear Tree Surgery", ["28 Meadow Close", "Kingsbury", "Nr. Tamworth", "Staffordshire"]),
    ("M89005", "St Margarets Medical Practice", ["8 St Margarets Road", "Olton", "Solihull", "West Midlands"]),
    (
        "N82650",
        "Speke HC - Dr Singh & Dr Bicha",
        ["Speke Neighbourhood HC", "75 South Parade", "Speke", "Liverpool", "Merseyside"],
    ),
    (
        "P81674",
        "Stanley Court Surgery",  # six lines once split: the first comma-joined line stays one line
        ["Burscough HC, Stanley Crt", "Lord Street", "Burscough", "Ormskirk", "Lancashire"],
    ),
    ("P81701", "Dr Dawoud's Surgery", ["652 Preston Road", "Clayton-le-Woods", "Chorley", "Lancashire"]),
    ("W00079", "RCT LHB & Merthyr LHB OOH", ["Navigation Park", "Abercynon", "Rhondda Cynon Taff"]),
    ("W91023", "Pen y Bont Surgery", ["The Roe", "St Asaph", "Denbighshire"]),
    ("W94005", "Meddygfa", ["Meddygfa Betws y Coed", "Ffordd Gethin", "Betws y Coed", "Aberconwy"]),
    ("W94037", "Ty Doctor Isfryn", ["Ffordd Dewi Sant", "Nefyn", "Gwynedd"]),
    ("W97032", "The Waterfront Medical Centre", ["Heol y Llongau", "Barry Vale of Glamorgan", "South Glamorgan"]),
    ("Y00719", "Bourton on the Water OOH", ["Bourton on the Water", "Community Hospital", "Gloucester"]),
    ("Y01931", "Preston CAMHS", ["Ellen House", "1-3 Ellen Court", "Preston"]),
    (
        "Y04407",
        "CHCP - Brid and Drif Loc Team",
        ["Macmillan Wolds GP Unit", "Bridlington Hospital", "Bridlington", "East Yorkshire"],
    ),
    (
        "Y06055",
        "We Are with You Redcar & Cleveland-Loftus",
        ["Room G6 the Old Co-op", "High Street", "Loftus", "North Yorkshire"],
    ),
    ("Y06125", "NSC Bosworth Hub", ["Bosworth Medical Centre", "c/o Chelmsley Wood PCC", "Birmingham"]),
    ("Y06482", "HMP Winchester", ["Romsey Road", "Winchester", "Hampshire"]),
    ("Y06858", "Titan PCN", ["Wheatfield Surgery", "60 Wheatfield Road", "Luton", "Bedfordshire"]),
]

# Real rows of the full file (shared/reference-data), for what the sample lacks.
FULL_TABLE = [
    ("W93623", "Pen-y-cae Surgery", ["The Health Centre", "Bridge Street Ebbw Vale", "Gwent"]),
    ("H85072", "James O'Riordan Medical Centre", ["70 Stonecot Hill", "Sutton", "Surrey"]),
    ("J82024", "Solent GP Surgery", ["Adelaide Health Centre", "William MacLeod Way", "Southampton", "Hampshire"]),
    ("A81044", "McKenzie House Surgery", ["McKenzie House", "17 Kendal Road", "Hartlepool", "Cleveland"]),
    ("W00060", "SMS Anglesey", ["Iscraig Clinic", "Lon Newydd Llangefni", "Ynys Mon"]),
    ("A82070", "St Mary's Surgery", ["Applethwaite", "Windermere", "Cumbria"]),
    ("Y00401", "Boston OOH", ["c/o Pilgrim Hosp A&E Dept", "Sibsey Road", "Boston", "Lincolnshire"]),
    ("F84737", "Newham GP Co-operative OOH", ["Balaam Park Health Centre", "113 Balaam Street", "Plaistow", "London"]),
    ("L84027", "Culverhay Surgery", ["Culverhay", "Wotton-under-Edge", "Gloucestershire"]),
    ("L81002", "The Village Surgery", ["Hill Road East", "Worle", "Weston-super-Mare"]),
    ("P84057", "Kaya Practice", ["Chorlton Health Centre", "1 Nicolas Road", "Chorlton-cum-Hardy", "Manchester"]),
    ("F81132", "Blandford Medical Centre", ["Mace Avenue", "Braintree", "Essex"]),
    ("G81095", "Hastings Old Town Surgery", ["The Ice House", "Rock-a-Nore Road", "Hastings", "East Sussex"]),
    ("C82014", "Castle Medical Group", ["Ascebi Hse", "118 Burton Rd", "Ashby de la Zouch", "Leicestershire"]),
    ("Y03734", "NHS Northamptonshire ICB", ["Haylock House", "Parkway Venture Park", "Kettering", "Northants"]),
    ("W94021", "The Health Centre", ["Hwb Iechyd Eifionydd", "Pwllheli Road", "Criccieth", "Gwynedd"]),
    ("A83073", "Drs Lambert & Ng", ["9 West Road", "Annfield Plain", "Stanley", "County Durham"]),
    (
        "A83033",
        "Pelton & Fellrose Medical Group",
        ["Unit 1, Lavender Centre", "Pelton Lane", "Pelton", "Chester le Street", "County Durham"],
    ),
]


def read_rows(path) -> list[list[str]]:
    with path.open(newline="", encoding="latin-1") as handle:
        return list(csv.reader(handle))


def letters(text: str) -> str:
    """The letters and digits, in capitals; GPSI is written GPwSI (a GP with a special interest)."""
    return re.sub(r"[^A-Z0-9]", "", text.upper().replace("GPWSI", "GPSI"))


@pytest.fixture
def imported(app, runner):
    result = import_file(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    return app


def test_sample_practices_are_written_as_a_person_writes_them(imported, client):
    wrong = []
    for code, name, address_lines in SAMPLE_TABLE:
        body = client.get(f"/api/v1/practices/{code}").get_json()
        got = (body["written_name"], body["written_address_lines"])
        if got != (name, address_lines):
            wrong.append(f"{code}: {got} != {(name, address_lines)}")
    assert not wrong, "\n".join(wrong)


def test_api_keeps_the_directory_as_nhs_england_publishes_it(imported, client):
    body = client.get("/api/v1/practices/E84083").get_json()
    assert body["name"] == "LANFRANC MEDICAL CENTRE"
    assert body["address_lines"] == ["LANFRANC MEDICAL CENTRE", "LANFRANC COURT", "GREENFORD ROAD,HARROW", "MIDDLESEX"]
    found = client.get("/api/v1/practices", query_string={"q": "lanfranc"}).get_json()["practices"]
    assert [(p["name"], p["written_name"]) for p in found] == [("LANFRANC MEDICAL CENTRE", "Lanfranc Medical Centre")]
    assert found[0]["written_address_lines"] == ["Lanfranc Court", "Greenford Road", "Harrow", "Middlesex"]


@pytest.mark.skipif(
    not SHARED_EPRACCUR.exists(),
    reason=f"the full epraccur.csv is not at {SHARED_EPRACCUR} (see shared/reference-data/README.md)",
)
def test_full_file_practices_are_written_as_a_person_writes_them():
    rows = {row[0]: row for row in read_rows(SHARED_EPRACCUR)}
    wrong = []
    for code, name, address_lines in FULL_TABLE:
        written = written_practice(rows[code][1], rows[code][4:9])
        if (written.name, written.address_lines) != (name, address_lines):
            wrong.append(f"{code}: {written} != {(name, address_lines)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", [SAMPLE, SHARED_EPRACCUR], ids=["sample", "full file"])
def test_every_row_keeps_its_letters_and_fits_the_form(path):
    if not path.exists():
        pytest.skip(f"{path} is absent (see shared/reference-data/README.md)")
    for row in read_rows(path):
        written = written_practice(row[1], row[4:9])
        assert letters(written.name) == letters(row[1]), row
        assert len(written.address_lines) <= MAX_ADDRESS_LINES, row
        assert all(line and line == line.strip() for line in written.address_lines), row
        assert letters(written.name) not in {letters(line) for line in written.address_lines}, row
        # Each line is the directory's words, cased: only commas, spaces and stops move.
        assert all(letters(line) in letters("".join(row[4:9])) for line in written.address_lines), row


@pytest.mark.parametrize(
    ("capitals", "written"),
    [
        ("LANFRANC MEDICAL CENTRE", "Lanfranc Medical Centre"),
        ("MCDONALD HOUSE", "McDonald House"),
        ("MACLEOD ROAD", "MacLeod Road"),
        ("MACE STREET", "Mace Street"),
        ("MACCLESFIELD", "Macclesfield"),
        ("O'BRIEN SURGERY", "O'Brien Surgery"),
        ("D'ARCY PRACTICE", "D'Arcy Practice"),
        ("ST MARY'S", "St Mary's"),
        ("ST.JOHN'S ROAD", "St John's Road"),
        ("DR A PATEL & PARTNERS", "Dr A Patel & Partners"),
        ("STOKE-ON-TRENT", "Stoke-on-Trent"),
        ("STRATFORD-UPON-AVON", "Stratford-upon-Avon"),
        ("SOUTHEND-ON-SEA", "Southend-on-Sea"),
        ("BARROW-IN-FURNESS", "Barrow-in-Furness"),
        ("SALTBURN-BY-THE-SEA", "Saltburn-by-the-Sea"),
        ("NEWCASTLE UPON TYNE", "Newcastle upon Tyne"),
        ("THE PRACTICE AT THE HEALTH CENTRE", "The Practice at the Health Centre"),
        ("CENTRE FOR HEALTH WITH CARE", "Centre for Health with Care"),
        ("AND SONS", "And Sons"),
        ("HENRY VIII HOUSE", "Henry VIII House"),
        ("GEORGE V PLACE", "George V Place"),
        ("NHS GP PCN UK HMP ICB CCG MOD RAF", "NHS GP PCN UK HMP ICB CCG MOD RAF"),
        ("RAF HALTON MEDICAL CENTRE", "RAF Halton Medical Centre"),
        ("THE GPS SURGERY", "The GPs Surgery"),
        ("YNYS MÔN", "Ynys Môn"),
        ("PEN-Y-BONT", "Pen-y-bont"),
        ("BRYN-Y-MOR", "Bryn-y-mor"),
        ("TAN-YR-YSGOL", "Tan-yr-ysgol"),
        ("PLAS Y BRYN MEDICAL CENTRE", "Plas y Bryn Medical Centre"),
        ("Y FELINHELI", "Y Felinheli"),
        ("CWM TAF", "Cwm Taf"),
        ("TŶ NEWYDD", "Tŷ Newydd"),
        ("UNIT A, 3 LONGBOW CLOSE", "Unit A, 3 Longbow Close"),
        ("7 THE ROW", "7 The Row"),
        ("2ND FLOOR", "2nd Floor"),
        ("SE15 5LJ Y02345", "SE15 5LJ Y02345"),
        ("C/O GENERAL HOSPITAL", "c/o General Hospital"),
        ("(DR RP PANDYA)", "(Dr RP Pandya)"),
        ("MED.CTR", "Med. Ctr"),
        ("TCE&RAWLING RD", "Tce & Rawling Rd"),
        ("A&E DEPT", "A&E Dept"),
        ("Riverside Health Centre", "Riverside Health Centre"),  # already written: left alone
        ("McDonald & MacLeod", "McDonald & MacLeod"),
    ],
)
def test_a_line_in_capitals_is_written_as_a_person_writes_it(capitals, written):
    assert written_line(capitals) == written


def test_address_drops_the_name_blank_lines_and_splits_commas():
    assert written_address(
        "LANFRANC MEDICAL CENTRE",
        ["LANFRANC MEDICAL CENTRE", " ", "LANFRANC COURT", "GREENFORD ROAD,HARROW", "", "MIDDLESEX"],
    ) == ["Lanfranc Court", "Greenford Road", "Harrow", "Middlesex"]
    # The name written a little differently is still the name.
    assert written_address("THE AVENUES MEDICAL CENTRE", ["AVENUES MEDICAL CTRE", "HULL"]) == ["Hull"]
    # A house number before a comma stays with its street.
    assert written_address("X", ["7, HIGH STREET", "LEEDS"]) == ["7 High Street", "Leeds"]


def test_address_splits_no_further_than_the_form_takes():
    lines = ["UNIT 1, LAVENDER CENTRE", "PELTON LANE, PELTON", "CHESTER LE STREET", "COUNTY DURHAM"]
    assert written_address("PELTON MEDICAL GROUP", lines) == [
        "Unit 1, Lavender Centre",
        "Pelton Lane",
        "Pelton",
        "Chester le Street",
        "County Durham",
    ]


# --- the forms: prefilled with the written name and address, which stay ordinary fields -------------------


@pytest.mark.parametrize("form", ["/toolkit", "/pledge"])
def test_form_prefills_the_written_name_and_address(imported, client, form):
    response = client.get(form, query_string={"practice": "e84083"})
    assert response.status_code == 200
    assert input_value(response.data, "practice_name") == "Lanfranc Medical Centre"
    assert input_value(response.data, "address_lines").strip() == "Lanfranc Court\nGreenford Road\nHarrow\nMiddlesex"
    assert input_value(response.data, "ods_code") == "E84083"
    # Ordinary fields the practice manager can change.
    field = BeautifulSoup(response.data, "html.parser").find(attrs={"name": "practice_name"})
    assert not field.has_attr("readonly") and not field.has_attr("disabled")


@pytest.mark.parametrize("form", ["/toolkit", "/pledge"])
def test_finder_without_javascript_lists_written_names(imported, client, form):
    response = client.get(form, query_string={"find": "lanfranc"})
    results = [
        li.get_text(" ", strip=True) for li in BeautifulSoup(response.data, "html.parser").select("#find-results li")
    ]
    assert results == ["Lanfranc Medical Centre, HA1 3QE (E84083)"]
