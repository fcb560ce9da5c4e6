"""The site's languages: gettext catalogs (Flask-Babel) shared by the web pages and the toolkit's posters and cards.

Patients' pages (views marked @translated, and the error pages) speak the visitor's language: the one in the URL
(/ar/surgeries) when there is one, else the best of the browser's Accept-Language, else English. Pages for
practices and staff stay in English.
"""

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, request
from flask_babel import Babel

from .languages import ENGLISH, Language, catalogue
from .negotiation import best_language
from .url_prefix import LANGUAGE_KEY, LanguagePrefix, url_in
from .webfonts import NoSuchFont, woff2

babel = Babel()
bp = Blueprint("i18n", __name__)


def translated(view):
    """Marks a view as a patients' page: it answers in the visitor's language."""
    view.translated = True
    return view


def is_translated_page() -> bool:
    if request.endpoint is None:  # no route matched: the error page speaks the visitor's language
        return True
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "translated", False)


def page_language() -> Language:
    """The language this request's page is in; English outside a request (the CLI, e-mails, the toolkit's worker)."""
    if not has_request_context():
        return catalogue()[ENGLISH]
    if "page_language" not in g:
        languages = catalogue()
        code = ENGLISH
        if is_translated_page():
            code = request.environ.get(LANGUAGE_KEY) or best_language(request.accept_languages, languages) or ENGLISH
        g.page_language = languages[code]
    return g.page_language


def select_locale() -> str:
    return page_language().catalog


def say_which_language(response):
    """Content-Language names the page's language; an address without a language in it answers by the browser's
    Accept-Language, so caches must keep one copy per language asked for."""
    if "page_language" in g:
        response.headers["Content-Language"] = g.page_language.code
        if is_translated_page() and LANGUAGE_KEY not in request.environ:
            response.vary.add("Accept-Language")
    return response


@bp.get("/fonts/<name>-<int:weight>.woff2")
def web_font(name: str, weight: int):
    """A subset of an installed Noto font, for a script phones often lack (webfonts.py)."""
    try:
        data = woff2(name, weight)
    except NoSuchFont:
        abort(404)
    response = current_app.response_class(data, mimetype="font/woff2")
    response.cache_control.public = True
    response.cache_control.max_age = 86400  # a day: the subset grows when a catalog gains characters
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    app.register_blueprint(bp)
    app.wsgi_app = LanguagePrefix(app.wsgi_app, catalogue())
    # Globals, not a context processor: the database-down page is rendered without the request's context.
    app.jinja_env.globals.update(
        page_language=page_language, page_languages=catalogue, is_translated_page=is_translated_page, url_in=url_in
    )
    app.after_request(say_which_language)
