"""The patients' pages in every offered language: catalogs complete and compiled, every string of a public
template in the catalogs, each page in its language (lang, dir, text), the language from the address or the
browser, and the switch between them."""

import html.parser
import io
import re
import string
from pathlib import Path

import flask_migrate
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations
from bs4 import BeautifulSoup
from registry_helpers import add_listing

from safesurgeries import create_app
from safesurgeries.extensions import db
from safesurgeries.i18n.languages import ENGLISH, catalog_path, catalogue
from safesurgeries.paths import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = catalogue()
TRANSLATED = [code for code in LANGUAGES if code != ENGLISH]
# Every template a patients' page is made of (the error page included); practice and staff pages are English.
PUBLIC_TEMPLATES = [
    "base.html",
    "error.html",
    "main/home.html",
    "main/rights.html",
    "main/rights_card.html",
    "registry/list.html",
    "registry/_search_form.html",
    "registry/_listing.html",
    "registry/surgery.html",
    "registry/not_listed.html",
    "registry/map.html",
    "registry/_map.html",
    "registry/_demo_banner.html",
    "_macros/way_on.html",
]
# The pages (by address without a language) that every language must carry: filled by the `site` fixture.
PUBLIC_PAGES = [
    "/",
    "/rights",
    "/rights/card",
    "/surgeries",
    "/surgeries?q=SE1+7PB",
    "/surgeries/Y99001",
    "/surgeries/Y99002",
    "/map",
    "/no-such-page",
]
# Attributes a person reads or hears.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
# Names that are the same in every language, not text to translate.
NAMES = {"JSON", "GeoJSON"}


def _singular(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _translated(message) -> bool:
    forms = [message.string] if isinstance(message.string, str) else list(message.string)
    return bool(forms) and all(form.strip() for form in forms) and not message.fuzzy


def _pot() -> dict:
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        return {(message.context, _singular(message)): message for message in read_po(file) if message.id}


def _po(code: str):
    with catalog_path(TRANSLATIONS, LANGUAGES[code].catalog).open("rb") as file:
        return read_po(file)


# --- the catalogs ----------------------------------------------------------------------------------------------


def test_messages_pot_holds_every_string_marked_in_the_code_and_templates():
    """`scripts/translations extract` was run after the last change of a marked string."""
    method_map = [("safesurgeries/**.py", "python"), ("safesurgeries/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
    keywords |= {"lazy_gettext": None, "sheet_text": ((1, "c"), 2)}
    found = set()

    def not_hidden(path: str) -> bool:  # Babel's own filter would skip folders named _like_this (templates/_macros)
        return not Path(path).name.startswith(".")

    for _filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords, directory_filter=not_hidden
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    assert found == set(_pot()), "run scripts/translations extract"


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalog_translates_every_string(code):
    catalog = _po(code)
    untranslated = [
        key[1] for key in _pot() if not ((found := catalog.get(key[1], context=key[0])) and _translated(found))
    ]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogs_match_the_po_files(code):
    """The web pages read the .mo files that scripts/setup compiles: they must say what the .po says."""
    catalog = _po(code)
    compiled = Translations.load(str(TRANSLATIONS), [LANGUAGES[code].catalog])
    stale = []
    for message in catalog:
        if not (message.id and _translated(message)):
            continue
        if isinstance(message.id, str):
            shown = compiled.pgettext(message.context, message.id) if message.context else compiled.gettext(message.id)
            stale += [message.id] if shown != message.string else []
        else:  # a plural: compare the form for one and the form for many
            shown = [compiled.ngettext(message.id[0], message.id[1], n) for n in (1, 5)]
            stale += [message.id[0]] if shown[0] not in message.string or shown[1] not in message.string else []
    assert not stale, "run scripts/translations compile (scripts/setup does)"


class _TextOutsideCatalogs(html.parser.HTMLParser):
    """Collects text a person would read in template markup, with every Jinja tag replaced by \\0."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES or (tag == "input" and name == "value"):
                self._check(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self._check(data)

    def _check(self, text):
        words = [word for word in text.replace("\0", " ").split() if word.strip(string.punctuation) not in NAMES]
        if any(c.isalpha() for c in "".join(words)):
            self.found.append(" ".join(text.replace("\0", "{…}").split()))


def _markup_without_jinja(app, name: str) -> str:
    """The template's literal text, each Jinja expression or statement replaced by \\0; a {% trans %} block's
    text counts as translated."""
    source = app.jinja_env.loader.get_source(app.jinja_env, name)[0]
    parts, in_trans, after_block_begin = [], False, False
    for _line, kind, value in app.jinja_env.lex(source):
        if kind == "data" and not in_trans:
            parts.append(value)
        elif not parts or parts[-1] != "\0":
            parts.append("\0")
        if after_block_begin and kind == "name":
            in_trans = value in ("trans", "pluralize") or (in_trans and value != "endtrans")
        after_block_begin = kind == "block_begin"
    # A tag whose name is an expression (<{{ tag }} ...>) is still a tag.
    return re.sub(r"(</?)\0", r"\1jinja-tag", "".join(parts))


@pytest.mark.parametrize("name", PUBLIC_TEMPLATES)
def test_public_templates_have_no_text_outside_the_catalogs(name):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    parser = _TextOutsideCatalogs()
    parser.feed(_markup_without_jinja(app, name))
    assert not parser.found, f"{name}: wrap in {{{{ _(...) }}}}: {parser.found}"


def test_the_template_check_catches_literal_text():
    parser = _TextOutsideCatalogs()
    parser.feed('<p>\0</p><a title="Open the map">\0</a><p>Hello \0</p><script>var x = "ok";</script>')
    assert parser.found == ["Open the map", "Hello {…}"]


# --- the pages ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory, postcode_index_file):
    """An app on a fresh database with two listings, one of them the target of /surgeries/Y99001."""
    folder = tmp_path_factory.mktemp("i18n")
    app = create_app(
        {
            "TESTING": True,
            "POSTCODE_INDEX": str(postcode_index_file),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    add_listing(app, "Y99001", "Riverside Medical Centre", "SE1 7PB", region="Y56")
    add_listing(app, "Y99002", "Quayside Surgery", "SE8 4RU", region="Y56", active=False)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _english_strings() -> dict[str, str]:
    """Each catalog string by (context, msgid), for finding English left in a translated page."""
    return {key: message.id for key, message in _pot().items()}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_public_page_is_in_the_language_asked_for(site, code):
    """Under /<code>/ every patients' page says lang and dir, and no catalog sentence is left in English in its
    main content (the practice's own name and address are data, not catalog strings)."""
    language = LANGUAGES[code]
    catalog = _po(code)
    # Only sentences whose translation differs from the English: a name like "Safe Surgeries" may be kept.
    english = [
        _words(message.id)
        for message in catalog
        if isinstance(message.id, str)
        and _translated(message)
        and _words(message.string) != _words(message.id)
        and len(message.id.split()) >= 2
        and "%(" not in message.id
    ]
    client = site.test_client()
    for path in PUBLIC_PAGES:
        response = client.get(f"/{code}{path}")
        assert response.status_code in (200, 404, 410), (code, path, response.status_code)
        soup = BeautifulSoup(response.data, "html.parser")
        assert soup.html["lang"] == code and soup.html["dir"] == language.direction, (code, path)
        main = soup.find("main")
        for element in main.select('[lang="en"]'):  # English on purpose: the notice's English, the card's English
            element.decompose()
        text = _words(main.get_text(" "))
        left = [sentence for sentence in english if sentence in text]
        assert not left, f"{code}{path}: English left in the page: {left[:3]}"
        assert language.strings["machine_translation"] in _words(soup.find("main").get_text(" ")) or language.reviewed


def test_english_pages_need_no_prefix_and_say_so(site):
    soup = BeautifulSoup(site.test_client().get("/").data, "html.parser")
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"
    assert not soup.select(".machine-translation")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("ar", "ar"),
        ("ar-EG,en;q=0.5", "ar"),  # a regional first choice beats an exact second one
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("fa-AF", "prs"),  # Persian in Afghanistan: Dari
        ("fa-IR", "fa"),
        ("pa-IN", "pa-Guru"),
        ("de-DE,ti;q=0.3", "ti"),  # not offered: the next choice
        ("de-DE", "en"),
        ("", "en"),
    ],
)
def test_the_browsers_language_is_the_first_guess(site, accept, expected):
    response = site.test_client().get("/rights", headers={"Accept-Language": accept} if accept else {})
    assert BeautifulSoup(response.data, "html.parser").html["lang"] == expected
    assert response.headers["Content-Language"] == expected
    assert "Accept-Language" in response.headers["Vary"]  # caches keep one copy per language


def test_the_address_beats_the_browser_and_every_link_keeps_the_language(site):
    response = site.test_client().get("/ar/surgeries?q=SE1+7PB", headers={"Accept-Language": "zh-CN"})
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    assert "Accept-Language" not in response.headers.get("Vary", "")
    internal = [a["href"] for a in soup.select("main a[href^='/'], header nav a[href^='/']")]
    assert internal and all(href.startswith("/ar/") for href in internal), internal
    for form in soup.select("form[action^='/']"):
        assert form["action"].startswith("/ar/"), form["action"]


def test_the_language_switch_names_each_language_in_itself_and_keeps_the_page(site):
    soup = BeautifulSoup(site.test_client().get("/ar/surgeries?q=SE1+7PB").data, "html.parser")
    links = {a["hreflang"]: a for a in soup.select(".language-switch a")}
    assert set(links) == set(LANGUAGES)
    for code, link in links.items():
        assert link["lang"] == code and link.get_text(strip=True) == LANGUAGES[code].native_name
        assert link["href"] == f"/{code}/surgeries?q=SE1+7PB"
    assert links["ar"]["aria-current"] == "true"
    alternates = {link["hreflang"] for link in soup.select("link[rel=alternate]")}
    assert alternates == set(LANGUAGES)


def test_practice_and_staff_pages_stay_in_english_under_a_language(site):
    for path in ("/ar/toolkit", "/ar/pledge", "/ar/for-practices", "/ar/staff/login"):
        response = site.test_client().get(path)
        soup = BeautifulSoup(response.data, "html.parser")
        assert soup.html["lang"] == "en", path
        assert not soup.select(".language-switch"), path


def test_an_unknown_address_gets_the_not_found_page_in_the_visitors_language(site):
    response = site.test_client().get("/ur/no-such-page")
    assert response.status_code == 404
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.html["lang"] == "ur" and soup.html["dir"] == "rtl"
    assert soup.find("h1").get_text(strip=True) == _po("ur").get("Page not found").string


def test_rights_card_has_a_qr_code_to_the_rights_page_in_its_language(site):
    soup = BeautifulSoup(site.test_client().get("/ti/rights/card").data, "html.parser")
    svg = soup.select_one(".rights-card svg")
    assert svg is not None
    url = site.config["PUBLIC_BASE_URL"].rstrip("/") + "/ti/rights"
    assert svg.find("title").get_text() == url
    assert url in soup.select_one(".rights-card figcaption").get_text()
    english = soup.select_one(".rights-card [lang=en]")  # for the receptionist
    assert "Please register me with this GP practice." in english.get_text()
    assert LANGUAGES["ti"].strings["card_request"] in soup.select_one(".rights-card").get_text()
    # Printed, the page's notice is hidden: the card itself says it is a machine translation, in both languages.
    notices = [p.get_text(" ", strip=True) for p in soup.select(".rights-card .rights-card-status")]
    assert notices == [
        LANGUAGES["ti"].strings["machine_translation"],
        f"Tigrinya: {LANGUAGES['en'].strings['machine_translation']}",
    ]
    english_card = BeautifulSoup(site.test_client().get("/rights/card").data, "html.parser")
    assert not english_card.select(".rights-card-status, .rights-card-english")


def test_rights_page_cites_its_sources(site):
    soup = BeautifulSoup(site.test_client().get("/rights").data, "html.parser")
    sources = soup.select_one("ul.sources")
    assert sources["lang"] == "en"
    assert "https://www.legislation.gov.uk/uksi/2015/1862" in sources.get_text()
    assert "HL9241" in sources.get_text()


def test_punctuation_only_text_is_not_flagged():
    parser = _TextOutsideCatalogs()
    parser.feed("<p>\0 · \0 – 12</p>" + string.punctuation.replace("<", "").replace(">", "").replace("&", ""))
    assert parser.found == []


def test_ethiopic_pages_get_a_font_with_every_character_they_use(site):
    """Phones without an Ethiopic font get the site's subset of Noto Sans Ethiopic, holding every character the
    Amharic and Tigrinya catalogs and the language names use."""
    from fontTools.ttLib import TTFont

    client = site.test_client()
    css = client.get("/ti/static/site.css").get_data(as_text=True)
    assert 'url("../fonts/ethiopic-400.woff2")' in css and "U+1200-139F" in css
    needed = set()
    for code in ("am", "ti"):
        for message in _po(code):
            forms = [message.string] if isinstance(message.string, str) else message.string
            needed |= {c for form in forms for c in form if 0x1200 <= ord(c) <= 0x139F}
        needed |= set(LANGUAGES[code].native_name)
    assert len(needed) > 40  # the test proves something only if the catalogs hold Ethiopic text
    for weight in (400, 700):
        response = client.get(f"/ti/fonts/ethiopic-{weight}.woff2")  # as site.css resolves it under /ti/
        assert response.status_code == 200 and response.mimetype == "font/woff2"
        cmap = TTFont(io.BytesIO(response.data)).getBestCmap()
        assert not [c for c in needed if ord(c) not in cmap]
    assert client.get("/fonts/ethiopic-500.woff2").status_code == 404


def test_a_practices_details_keep_their_order_on_a_right_to_left_page(site):
    """English text and numbers in an Arabic page: each is isolated (<bdi>), so "129 Demo Close" and a phone number
    are not reordered by the page's direction."""
    soup = BeautifulSoup(site.test_client().get("/ar/surgeries/Y99001").data, "html.parser")
    assert soup.html["dir"] == "rtl"
    assert soup.find("h1").find("bdi").get_text(strip=True) == "Riverside Medical Centre"
    lines = [bdi.get_text() for bdi in soup.select("p.address bdi")]
    assert lines and lines[-1] == "SE1 7PB"
    for phone in soup.select("a[href^='tel:']"):
        assert phone.find("bdi")["dir"] == "ltr"
    listing = BeautifulSoup(site.test_client().get("/ar/surgeries?q=SE1+7PB").data, "html.parser")
    assert listing.select_one(".listing-address bdi") and listing.select_one(".listing-name bdi")
