"""Journeys in a real browser: Debian's Chromium, driven by Playwright, against the app served on loopback.

- A practice manager downloads a toolkit.
- A practice manager pledges, confirms from the e-mail; a reviewer approves; the practice is on the map and list.
- Failed staff sign-ins are slowed down, and the page says until when.
- A campaigner uses the map (London, a marker, a region), downloads the CSV, opens the stats; a patient
  searches by postcode and gets the nearest Safe Surgeries with distances.
- Every public and staff page: no serious or critical axe-core violations, reachable with the keyboard alone
  with a visible focus, and a screenshot at phone and desktop widths in screenshots/.
"""

import csv
import io
import re

import pypdf
import pytest
from browser_site import (
    ADMIN,
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PASSWORD,
    PHONE,
    REVIEWER,
    SCREENSHOTS,
    axe_violations,
    sign_in,
    start_site,
    tab_through,
)
from conftest import DATABASES, database_url
from pledging import submit_pledge
from routes import routes, sample_url

from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, Pledge

playwright_api = pytest.importorskip("playwright.sync_api", reason="the test extra installs Playwright")

# A real practice in the sample NHS directory, which pledges in the journey below.
PLEDGING = {"ods": "A81030", "name": "Borough Road & Nunthorpe Medical Group", "postcode": "TS1 3RY"}


@pytest.fixture(scope="module", params=DATABASES)
def site(request, tmp_path_factory, postcode_index_file):
    """The live site, on SQLite and (when TEST_DATABASE_URL is set) on a PostgreSQL schema of its own."""
    instance = tmp_path_factory.mktemp("browser-site")
    with database_url(request.param, instance) as url:
        site, stop = start_site(instance, postcode_index_file, url)
        yield site
        stop()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run scripts/setup --test (it installs Debian's chromium)"
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run scripts/setup --test (it installs axe-core from npm)"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, site):
    """A fresh browser profile; requests to any other host (map tiles) are refused and recorded."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.offsite_requests = []

    def only_this_site(route):
        if route.request.url.startswith(site.base_url):
            route.continue_()
        else:
            context.offsite_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_site)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error" and "net::ERR_FAILED" not in message.text and page.errors.append(message.text)
        ),
    )
    return page


def expect(locator):
    return playwright_api.expect(locator)


# --- the practice manager ------------------------------------------------------------------------


def test_download_a_toolkit(site, page):
    page.goto(site.url("/toolkit"))
    page.locator("#find").fill(PLEDGING["ods"])  # search-as-you-type fills the form from the NHS directory
    page.get_by_role("button", name=re.compile(PLEDGING["ods"])).click()
    # The directory's capitals, as a person writes them; the practice manager can still change them.
    expect(page.get_by_label("Practice name", exact=True)).to_have_value("Borough Road & Nunthorpe Medical Group")
    page.get_by_label("Practice name", exact=True).fill(PLEDGING["name"])
    page.get_by_label("Arabic", exact=False).first.check()
    page.get_by_role("button", name="Preview the toolkit").click()
    expect(page.get_by_role("heading", name="Check your toolkit")).to_be_visible()
    expect(page.locator("#toolkit-nation")).to_contain_text("England")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"safe-surgeries-toolkit-{PLEDGING['ods']}.pdf"
    reader = pypdf.PdfReader(download.path())
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert PLEDGING["name"] in text and "TS1 3RY" in text
    assert "Poster: Arabic" in [item.title for item in reader.outline if not isinstance(item, list)]
    assert page.errors == []


def test_a_form_error_is_named_and_what_was_typed_is_kept(site, page):
    page.goto(site.url("/toolkit"))
    page.get_by_label("Practice name", exact=True).fill("Quay Street Surgery")
    page.get_by_label("Postcode", exact=True).fill("not a postcode")
    page.get_by_role("button", name="Preview the toolkit").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # a screen reader hears the problem first
    summary.get_by_role("link", name=re.compile("postcode", re.I)).first.click()
    expect(page.get_by_label("Postcode", exact=True)).to_be_focused()
    expect(page.get_by_label("Practice name", exact=True)).to_have_value("Quay Street Surgery")


def test_pledge_confirm_approve_then_on_the_map_and_in_the_list(site, browser, page):
    # The practice manager pledges, with the keyboard where a keyboard user would use it.
    page.goto(site.url("/pledge"))
    page.locator("#find").fill(PLEDGING["ods"])
    page.get_by_role("button", name=re.compile(PLEDGING["ods"])).click()
    page.get_by_label("Your name", exact=True).fill("Amina Yusuf")
    page.get_by_label("Your role", exact=True).fill("Practice manager")
    page.get_by_label("Your work e-mail address", exact=True).fill("amina.yusuf@nhs.net")
    for box in page.locator("input[name=principles]").all():
        box.focus()
        page.keyboard.press("Space")
    page.get_by_label("List our practice publicly as a Safe Surgery", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("amina.yusuf@nhs.net")
    page.get_by_role("button", name="Pledge").click()
    expect(page.locator("main")).to_contain_text("e-mail")

    # ... confirms from the e-mail ...
    page.goto(site.latest_link("confirm"))
    page.get_by_role("button", name="Confirm pledge").click()
    expect(page.locator("main")).to_contain_text(re.compile("confirmed", re.I))

    # ... a reviewer checks it and approves ...
    staff = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(staff, site, REVIEWER)
    staff.goto(site.url("/staff/pledges"))
    staff.get_by_role("link", name=re.compile(re.escape(PLEDGING["name"]), re.I)).first.click()
    expect(staff.locator("main")).to_contain_text(re.compile("open GP practice", re.I))
    staff.get_by_role("button", name="Approve and list").click()
    expect(staff.locator("main")).to_contain_text(re.compile("approved", re.I))
    staff.context.close()

    # ... and the public finds it, nearest first, and on the map.
    page.goto(site.url("/surgeries"))
    page.get_by_label("Postcode, place or practice name", exact=True).fill(PLEDGING["postcode"])
    page.keyboard.press("Enter")
    first = page.locator("ol.listings li.listing").first
    expect(first.locator(".listing-name")).to_have_text(re.compile(re.escape(PLEDGING["name"]), re.I))
    expect(first.locator(".listing-distance")).to_have_text(re.compile(r"^0\.\d miles \(0\.\d km\) away$"))

    page.goto(site.url(f"/embed/map?near={PLEDGING['postcode']}"))
    open_marker(page, title=re.compile(re.escape(PLEDGING["name"]), re.I))
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Safe Surgery since")
    expect(popup.get_by_role("link")).to_have_attribute("href", f"/surgeries/{PLEDGING['ods']}")
    assert page.errors == []


def test_failed_staff_sign_ins_are_slowed_down_and_the_page_says_until_when(site, page):
    for _ in range(3):
        sign_in(page, site, ADMIN, password="not the password at all")
        expect(page.locator("main")).to_contain_text("The e-mail address or password is not right.")
    sign_in(page, site, ADMIN, password="not the password at all")  # the fourth failure starts a wait
    expect(page.locator("main")).to_contain_text("the next try from here is accepted after")
    sign_in(page, site, ADMIN)  # the right password, too soon: not checked, and the page says until when
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"accepted after \d\d:\d\d:\d\d UTC"))
    page.goto(site.url("/staff/pledges"))
    expect(page).to_have_url(re.compile(r"/staff/login"))


# --- the campaigner and the patient (issue 6's walk-through) ----------------------------------------


def wait_for_markers(page):
    """Until the markers are on the map and its zoom and cluster animations have finished."""
    expect(page.locator("#registry-map-status")).to_have_text(re.compile(r"Safe Surger(y|ies) on the map"))
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')")


def open_marker(page, title=None):
    """Click the cluster nearest the map's centre until single markers show, then open one (by title)."""
    wait_for_markers(page)
    selector = ".leaflet-marker-icon:not(.marker-cluster)"
    for _ in range(12):
        markers = page.locator(selector)
        if title is not None:
            markers = markers.and_(page.get_by_title(title))
        if markers.count():
            markers.first.click()
            expect(page.locator(".leaflet-popup-content")).to_be_visible()
            return markers.first.get_attribute("title")
        page.evaluate("""() => {
            const map = document.getElementById('registry-map').getBoundingClientRect();
            const cx = map.left + map.width / 2, cy = map.top + map.height / 2;
            const clusters = Array.from(document.querySelectorAll('.marker-cluster'));
            clusters.sort((a, b) => {
                const d = el => { const r = el.getBoundingClientRect();
                                  return Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy); };
                return d(a) - d(b); });
            if (clusters.length) clusters[0].click();
        }""")
        page.wait_for_timeout(600)  # the cluster's zoom animation
    raise AssertionError("no single marker after zooming in")


def test_campaigner_map_london_marker_region_csv_and_stats(site, page, context):
    page.goto(site.url("/map"))
    wait_for_markers(page)
    expect(page.locator("#registry-map-status")).to_contain_text("demo data")
    assert page.locator(".marker-cluster").count() > 0
    assert any("tile.openstreetmap.org" in url for url in context.offsite_requests)  # tiles refused, markers shown
    assert all("tile.openstreetmap.org" in url for url in context.offsite_requests), context.offsite_requests

    # Zoom into London: choose the region, and the map fits London's Safe Surgeries; then open a marker.
    page.get_by_label("NHS region", exact=True).select_option(label="London")
    page.get_by_role("button", name="Show on the map").click()
    expect(page).to_have_url(re.compile(r"region=Y56"))
    open_marker(page)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Safe Surgery since")
    expect(popup).to_contain_text("last confirmed")
    expect(popup).to_contain_text(re.compile(r"\b(E|N|NW|SE|SW|W|WC|EC|BR|CR|DA|EN|HA|IG|KT|RM|SM|TW|UB)\d"))

    # The same region as a list, and its CSV, which opens in a spreadsheet.
    page.get_by_role("link", name="The same practices as a list").click()
    expect(page.get_by_label("NHS region", exact=True)).to_have_value("Y56")
    total = int(re.match(r"(\d+)", page.locator("#results-heading").inner_text()).group(1))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (spreadsheet)").click()
    raw = open(download_info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == total > 0 and {row["region"] for row in rows} == {"Y56"}
    assert all("Demo" in row["name"] for row in rows if row["ods_code"] != PLEDGING["ods"])

    # The stats: a chart readable without JavaScript, with its numbers in a table.
    page.goto(site.url("/stats"))
    expect(page.locator("figure.chart-figure svg")).to_be_visible()
    london = page.locator("table.stats-table tr", has_text="London")
    expect(london).to_contain_text(str(total))
    assert page.errors == []


def test_patient_types_a_postcode_and_gets_the_nearest_with_distances(site, page):
    page.goto(site.url("/surgeries"))
    page.get_by_label("Postcode, place or practice name", exact=True).fill("se1 7pb")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_contain_text("within 5 miles of SE1 7PB")
    within_five = page.locator("ol.listings .listing-distance").all_inner_texts()
    assert within_five and all(float(re.match(r"([\d.]+) miles", text).group(1)) <= 5 for text in within_five)
    # The patient widens the search, and the link they would share keeps the radius.
    page.get_by_label("Distance", exact=True).select_option("25")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"radius_miles=25"))
    expect(page.locator("#results-heading")).to_contain_text("within 25 miles of SE1 7PB")
    distances = page.locator("ol.listings .listing-distance").all_inner_texts()
    assert len(distances) >= len(within_five)
    km = [float(re.search(r"\(([\d.]+) km\)", text).group(1)) for text in distances]
    miles = [float(re.match(r"([\d.]+) miles", text).group(1)) for text in distances]
    assert km == sorted(km) and km[0] < 5 and miles[-1] <= 25
    assert all(abs(m * 1.609344 - k) < 0.2 for m, k in zip(miles, km))
    assert page.errors == []


def far_postcode(site) -> str:
    """An English postcode more than 5 miles from every demo Safe Surgery (the demo's places are random)."""
    client = site.app.test_client()
    for postcode in ("TR21 0HE", "TR20 8RQ", "LA23 1LJ", "NE66 1AA", "TD15 1BJ", "PE31 8BA", "DT2 0AA", "EX35 6AA"):
        body = client.get("/api/v1/surgeries", query_string={"near": postcode}).get_json()
        if body["total"] == 0 and "nearest_miles" in body:
            return postcode
    raise AssertionError("every candidate has a Safe Surgery within 5 miles")


def test_far_from_any_safe_surgery_the_patient_is_told_the_nearest_and_can_widen(site, page):
    postcode = far_postcode(site)
    page.goto(site.url(f"/surgeries?q={postcode}"))
    expect(page.locator("#registry-notice")).to_contain_text(
        re.compile(rf"No Safe Surgery within 5 miles of {postcode}\. The nearest is [\d.]+ miles away\.")
    )
    assert page.locator("ol.listings li").count() == 0
    expect(page.locator("#registry-advice")).to_contain_text("every GP practice in England")
    page.locator("#widen-search").click()
    expect(page.locator("ol.listings li.listing").first).to_be_visible()
    # The map, from its own postcode box: the same answer.
    page.goto(site.url("/map"))
    page.get_by_label("Postcode or place", exact=True).fill(postcode)
    page.get_by_role("button", name="Show on the map").click()
    expect(page.locator("#registry-notice")).to_contain_text(f"No Safe Surgery within 5 miles of {postcode}")
    expect(page.locator("#registry-map-status")).to_contain_text("0 Safe Surgeries on the map")
    assert page.errors == []


def test_on_a_phone_the_first_result_and_the_map_are_in_the_first_screen(site, browser):
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(site.url("/surgeries?q=SE1 7PB"))
    name = phone.locator("ol.listings li.listing .listing-name").first
    expect(name).to_be_visible()
    box = name.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    phone.goto(site.url("/map?near=SE1 7PB"))
    box = phone.locator("#registry-map").bounding_box()
    assert box["y"] + 200 <= PHONE["height"], box  # the map is in view, not below the fold
    phone.context.close()


def test_the_finder_finds_a_town_and_says_when_nothing_matches(site, page):
    page.goto(site.url("/toolkit"))
    page.locator("#find").fill("Xyzzyville")
    expect(page.locator("#find-results")).to_contain_text("No practice in the directory matches “Xyzzyville”.")
    page.locator("#find").fill("Harrow")  # in no practice's name: its address
    expect(page.locator("#find-results button", has_text="E84083").first).to_be_visible()
    assert page.errors == []


# --- a patient who reads Arabic ---------------------------------------------------------------------


def test_a_patient_reading_arabic_finds_a_safe_surgery_and_their_rights_then_switches_language(site, browser):
    """The browser asks for Arabic: the home page is Arabic, right to left; a postcode leads to the nearest Safe
    Surgeries in Arabic; a practice's page and the rights page too; the switch goes to Chinese and English.
    axe-core on each page in Arabic, Urdu, Chinese, Tigrinya and English; screenshots at both widths."""
    context = browser.new_context(viewport=PHONE, locale="ar")
    page = context.new_page()
    problems = []

    def look(name: str, lang: str, direction: str = "ltr"):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        problems.extend(f"{name}: {v}" for v in axe_violations(page))
        SCREENSHOTS.mkdir(exist_ok=True)
        for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(SCREENSHOTS / f"patient-{name}-{width}.png"), full_page=True)
        page.set_viewport_size(PHONE)

    page.goto(site.url("/"))
    look("home-ar", "ar", "rtl")
    assert page.locator(".machine-translation [lang=en]").count() == 1  # the notice, in English too
    page.locator("#home-postcode").fill("SE1 7PB")
    page.locator("#home-postcode").press("Enter")
    page.wait_for_url(re.compile(r"/surgeries\?q=SE1"))
    look("list-ar", "ar", "rtl")
    first = page.locator("ol.listings li a").first
    expect(first).to_be_visible()
    first.click()
    page.wait_for_url(re.compile(r"/surgeries/[A-Z0-9]+$"))
    look("surgery-ar", "ar", "rtl")
    page.locator("header nav a[href$='/rights']").click()
    page.wait_for_url(re.compile(r"/rights$"))
    look("rights-ar", "ar", "rtl")
    page.locator(".language-switch summary").click()
    page.locator(".language-switch a[hreflang=zh-Hans]").click()
    page.wait_for_url(re.compile(r"/zh-Hans/rights$"))
    look("rights-zh-Hans", "zh-Hans")
    page.locator(".language-switch summary").click()
    page.locator(".language-switch a[hreflang=en]").click()
    page.wait_for_url(re.compile(r"/en/rights$"))
    look("rights-en", "en")
    for code, direction in (("ur", "rtl"), ("ti", "ltr")):
        for path in ("/", "/surgeries?q=SE1+7PB", "/rights", "/rights/card"):
            page.goto(site.url(f"/{code}{path}"))
            look(f"{code}-{path.strip('/').split('?')[0].replace('/', '-') or 'home'}", code, direction)
    context.close()
    assert not problems, "\n".join(problems)


# --- every page: accessibility, keyboard, screenshots -----------------------------------------------

NOT_PAGES = ("/api/", "/assets/", "/static/", "/fonts/", "/healthz", "/readyz", ".csv", "/toolkit/toolkit.css")


def test_a_visitor_in_belfast_is_told_what_the_registry_covers_not_sent_to_england(site, page):
    notice = "The registry does not cover Northern Ireland: it lists GP practices in England, Scotland and Wales only."
    page.goto(site.url("/map?near=BT1 5GS"))
    expect(page.locator("#registry-map-status")).to_contain_text(notice)
    assert page.locator(".leaflet-marker-icon").count() == 0
    page.goto(site.url("/surgeries"))
    page.get_by_label("Postcode, place or practice name", exact=True).fill("BT1 5GS")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#registry-notice")).to_contain_text(notice)
    assert page.locator("ol.listings li").count() == 0
    assert page.errors == []


def pledge_exists(site) -> bool:
    with site.app.app_context():
        return db.session.query(Pledge).count() > 0


def every_page(site) -> list[tuple[str, str]]:
    """(name, path) for every HTML page a GET reaches, public and staff, plus a few with a query. The URL map
    is walked (tests/routes.py), so a new page is covered without anyone remembering to add it."""
    if not pledge_exists(site):  # a pledge for the staff pages to show, typed by hand
        submit_pledge(site.app.test_client(), ods_code="", practice_name="Hand Typed Surgery", postcode="SE1 7PB")
    with site.app.app_context():
        listing = db.session.query(Listing).filter_by(active=True).first()
        pledge = db.session.query(Pledge).first()
        real = {"ods_code": listing.practice.ods_code, "listing_id": listing.id, "pledge_id": pledge.id}
    pages = []
    for rule, _, _ in routes(site.app, {"GET"}):
        if rule.rule.startswith(NOT_PAGES) or rule.rule.endswith(NOT_PAGES):
            continue
        if rule.endpoint == "pledges.link":
            continue  # needs a fresh e-mailed token: reached through the forms below
        if rule.endpoint in ("toolkit.being_made", "toolkit.made_pdf", "toolkit.edition_link"):
            continue  # a toolkit on the job queue, or an edition e-mail's signed link: test_toolkit_queue/_editions
        pages.append((rule.endpoint, sample_url(site.app, rule, real)))
    pages += [
        ("surgeries.search", "/surgeries?q=SE1+7PB"),
        ("map.region", "/map?region=Y56"),
        ("not-found", "/surgeries/Z00000"),
    ]
    return sorted(set(pages))


@pytest.fixture(scope="module")
def admin_context(browser, site):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    site.cli("staff", "create", "ada.audit@dotw.example", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    sign_in(page, site, "ada.audit@dotw.example")
    page.close()
    yield context
    context.close()


def check_page(page, name: str) -> list[str]:
    """axe-core, the keyboard and screenshots on the page that is open; the problems found."""
    problems = [f"{name}: {v}" for v in axe_violations(page)]
    expected, reached, unmarked = tab_through(page)
    unreachable = [element for element in expected if element not in reached]
    problems += [f"{name}: not reachable with Tab: {element}" for element in unreachable]
    problems += [f"{name}: no visible focus: {element}" for element in unmarked]
    has_skip_link = page.locator("a.skip-link").count() > 0  # every page but the bare embedded map
    if has_skip_link and not (reached and reached[0].startswith('<a class="skip-link"')):
        problems.append(f"{name}: the first Tab does not reach the skip link but {reached[:1]}")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    SCREENSHOTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{name}: {overflow}px wider than a {width} screen: it scrolls sideways")
        page.screenshot(path=str(SCREENSHOTS / f"{safe}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def test_every_page_is_accessible_keyboard_usable_and_photographed(site, request):
    if site.app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the pages are the same on either database; the journeys above run on both")
    # Asked for only now, so that the skipped run opens no browser context and signs in no one.
    admin_context, page = request.getfixturevalue("admin_context"), request.getfixturevalue("page")
    problems = []
    for name, path in every_page(site):
        on = admin_context.new_page() if path.startswith("/staff") else page
        response = on.goto(site.url(path))
        expected_status = 404 if name == "not-found" else 200
        assert response.status == expected_status, (path, response.status)
        if "map" in name and name != "registry.embed_help":
            wait_for_markers(on)
        problems += check_page(on, name)
        if on is not page:
            on.close()

    # Pages reached through forms: the toolkit preview, check-your-answers, a form with errors, a link page.
    page.goto(site.url("/toolkit"))
    page.get_by_role("button", name="Preview the toolkit").click()  # empty: the errors
    problems += check_page(page, "toolkit.form-errors")
    page.get_by_label("Practice name", exact=True).fill("Quay Street Surgery")
    page.get_by_label("Practice address", exact=True).fill("12 Quay Street\nLondon")
    page.get_by_label("Postcode", exact=True).fill("SE8 4RU")
    page.get_by_role("button", name="Preview the toolkit").click()
    problems += check_page(page, "toolkit.preview")
    page.goto(site.url("/pledge"))
    page.get_by_role("button", name="Continue").click()
    problems += check_page(page, "pledges.form-errors")
    page.get_by_label("Practice name", exact=True).fill("Hand Typed Surgery")
    page.get_by_label("Practice address", exact=True).fill("1 Lambeth Road\nLondon")
    page.get_by_label("Postcode", exact=True).fill("SE1 7PB")
    page.get_by_label("Your name", exact=True).fill("Sam Lee")
    page.get_by_label("Your role", exact=True).fill("GP partner")
    page.get_by_label("Your work e-mail address", exact=True).fill("sam.lee@nhs.net")
    for box in page.locator("input[name=principles]").all():
        box.check()
    page.get_by_label("List our practice publicly as a Safe Surgery", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    problems += check_page(page, "pledges.check")
    page.get_by_role("button", name="Pledge").click()
    page.goto(site.latest_link("confirm"))
    problems += check_page(page, "pledges.link")
    assert problems == [], "\n".join(problems)
