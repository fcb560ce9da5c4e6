"""The site's languages: gettext catalogs (Flask-Babel) shared by the web pages and the toolkit's posters and cards."""

from flask import Flask
from flask_babel import Babel

babel = Babel()


def select_locale() -> str:
    return "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
