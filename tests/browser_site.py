"""A live Safe Surgeries site on loopback and Debian's Chromium driven by Playwright, for the browser tests.

The site is the real app on a real werkzeug server with a SQLite file, the real postcode index, the sample
NHS directory and the demo listings. The browser is /usr/bin/chromium (Debian's package `chromium`, which
`scripts/setup --test` installs); Playwright never downloads a browser of its own. axe-core comes from npm
(tests/browser/package.json), installed by `scripts/setup --test` too.
"""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
from flask import Flask
from pledging import SAMPLE, eml_messages, link_path
from werkzeug.serving import make_server

from safesurgeries import create_app
from safesurgeries.extensions import db

CHROMIUM = Path(os.environ.get("SAFESURGERIES_TEST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(__file__).resolve().parent / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
# As root in a container Chromium needs --no-sandbox; the rest stop it calling Google's servers, which this
# machine's closed network refuses (and which a test has no business calling).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"
REVIEWER = "rita.reviewer@dotw.example"
ADMIN = "adam.admin@dotw.example"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@dataclass
class LiveSite:
    app: Flask
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str, input: str | None = None) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args), input=input)
        assert result.exit_code == 0, result.output
        return result.output

    def latest_link(self, kind: str) -> str:
        """Send the outbox and return the newest e-mail's /pledge/<kind>/ link, as the practice manager clicks it."""
        self.cli("outbox", "send")
        for message in reversed(eml_messages(self.app)):
            try:
                return self.url(link_path(message, kind))
            except AssertionError:
                continue
        raise AssertionError(f"no e-mail holds a {kind} link")


def start_site(instance: Path, postcode_index: Path, database_url: str) -> tuple[LiveSite, callable]:
    """Serve the app on a free loopback port; returns the site and a function that stops it."""
    os.environ["SAFESURGERIES_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app({"POSTCODE_INDEX": str(postcode_index), "SQLALCHEMY_DATABASE_URI": database_url})
    finally:
        del os.environ["SAFESURGERIES_INSTANCE_PATH"]
    with app.app_context():
        flask_migrate.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    site = LiveSite(app, f"http://127.0.0.1:{server.server_port}")
    app.config["PUBLIC_BASE_URL"] = site.base_url  # so e-mailed links and QR codes open this server
    site.cli("practices", "import", str(SAMPLE))
    site.cli("demo", "load", "--count", "300")
    for email, role in ((REVIEWER, "reviewer"), (ADMIN, "admin")):
        site.cli("staff", "create", email, "--role", role, "--password-stdin", input=PASSWORD + "\n")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    return site, stop


def sign_in(page, site: LiveSite, email: str, password: str = PASSWORD) -> None:
    page.goto(site.url("/staff/login"))
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core in the page; the serious and critical violations, one line each.

    Evaluated through the DevTools protocol rather than added as a <script>, so the page's Content-Security-
    Policy stays on (it forbids inline script) and the pages are checked as users get them."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# Every element a keyboard user must be able to reach: visible, enabled, not taken out of the tab order.
FOCUSABLE_JS = """() => Array.from(document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'))
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden' &&
                !el.closest('[inert], [aria-hidden=true]') && el.tabIndex >= 0 &&
                !el.closest('details:not([open]) > :not(summary)'))  /* a closed disclosure's contents wait */
  .map((el, i) => { el.dataset.tabWalk = i; return el.outerHTML.slice(0, 120); })"""
# Each element is known by the number FOCUSABLE_JS gave it; one without (a frame's inside) by its markup.
FOCUSED_JS = """() => { const el = document.activeElement; if (!el || el === document.body) return null;
  if (el.id === 'tab-walk-end') return 'end';
  return el.dataset.tabWalk !== undefined ? Number(el.dataset.tabWalk) : el.outerHTML.slice(0, 120); }"""
# A frame is not itself the focus: focus is on an element inside it, which the frame's own page marks.
FOCUS_VISIBLE_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body || el.tagName === 'IFRAME') return true;
  const s = getComputedStyle(el); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ||
  s.boxShadow !== 'none'; }"""


# Tab order starts from wherever focus is (a page may focus its error summary), so start from the top; a
# focusable marker after everything else says the walk has reached the end of the page.
START_AT_TOP_JS = """() => { const start = document.createElement('span'); start.tabIndex = -1;
  start.id = 'tab-walk-start'; document.body.prepend(start);
  const end = document.createElement('span'); end.tabIndex = 0; end.id = 'tab-walk-end';
  document.body.append(end); start.focus(); window.scrollTo(0, 0); }"""
END_MARKER = "end"


def tab_through(page) -> tuple[list[str], list[str], list[str]]:
    """Press Tab through the whole page, from a marker at its top to a marker at its end: (elements that should
    be reachable, elements focus reached, elements that showed no focus indicator). The end marker keeps focus
    on the page (past the last element it would go to the browser's own controls, which differ between
    Chromium builds); focus inside a frame (the toolkit preview) counts as on the frame."""
    expected = page.evaluate(FOCUSABLE_JS)
    inside_frames = sum(len(frame.evaluate(FOCUSABLE_JS)) for frame in page.frames if frame is not page.main_frame)
    reached, unmarked = [], []
    page.evaluate(START_AT_TOP_JS)
    for _ in range(len(expected) + inside_frames + 2):  # every element once, and the end marker: never more
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused == END_MARKER or (reached and focused == reached[0] and len(reached) > 1):
            break
        if focused is not None and focused not in reached:
            reached.append(focused)
            if not page.evaluate(FOCUS_VISIBLE_JS):
                unmarked.append(focused)
    page.evaluate(
        "() => { document.getElementById('tab-walk-start')?.remove(); "
        "document.getElementById('tab-walk-end')?.remove(); }"
    )
    named = [expected[item] if isinstance(item, int) else item for item in reached]
    return expected, named, [expected[item] if isinstance(item, int) else item for item in unmarked]
