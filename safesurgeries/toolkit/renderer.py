"""HTML to PDF with WeasyPrint, fetching nothing but the toolkit's own packaged assets."""

import functools
import logging

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..paths import TOOLKIT_ASSETS
from . import tagging

# The base URL that the toolkit's templates resolve relative references against.
ASSETS_URL = TOOLKIT_ASSETS.as_uri() + "/"
log = logging.getLogger(__name__)


class AssetFetcher(URLFetcher):
    """Serves only the files in toolkit_templates/assets/, by exact name; refuses everything else.

    WeasyPrint's default fetcher reads any local file, embeds attachments and makes HTTP
    requests to any address. This one never touches the network or any other file.
    """

    def __init__(self):
        super().__init__(allowed_protocols=("file",))
        self.allowed = {ASSETS_URL + path.name: path for path in TOOLKIT_ASSETS.iterdir() if path.is_file()}

    def fetch(self, url, headers=None):
        path = self.allowed.get(url)
        if path is None:
            log.warning("Refused to fetch %r: not one of the toolkit's assets", url[:200])
            raise ValueError("The toolkit renderer fetches only its own assets.")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path.name)})


def _content_type(name: str) -> str:
    return {"css": "text/css", "svg": "image/svg+xml", "png": "image/png"}.get(
        name.rsplit(".", 1)[-1], "application/octet-stream"
    )


@functools.cache
def font_config() -> FontConfiguration:
    """One FontConfiguration per process: building it is slow and it is safe to reuse."""
    return FontConfiguration()


@functools.cache
def image_cache() -> dict:
    """Decoded images by URL, kept for the process: the only images are the toolkit's own assets."""
    return {}


@functools.cache
def fetcher() -> AssetFetcher:
    return AssetFetcher()


@functools.cache
def stylesheet(css_text: str) -> CSS:
    """Parse a stylesheet once per process; the toolkit's CSS never holds user data."""
    return CSS(string=css_text, base_url=ASSETS_URL, url_fetcher=fetcher(), font_config=font_config())


PDF_VARIANT = "pdf/ua-1"


def layout(html: str, stylesheets: list[str]) -> Document:
    """Lay out the HTML into pages (not yet written), with the process's shared fonts, stylesheets and images."""
    return HTML(string=html, base_url=ASSETS_URL, url_fetcher=fetcher()).render(
        stylesheets=[stylesheet(css) for css in stylesheets],
        font_config=font_config(),
        pdf_variant=PDF_VARIANT,
        cache=image_cache(),
    )


def write(document: Document) -> bytes:
    """Write laid-out pages as a tagged PDF/UA-1 document, its tags finished where WeasyPrint leaves them short."""
    return tagging.complete(document, document.write_pdf(pdf_variant=PDF_VARIANT))
