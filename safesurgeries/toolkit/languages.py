"""The languages offered for posters and patient cards, and the fonts they need, under the toolkit's names for them.

The languages (names, direction, review, sentences) come from the catalogs (i18n.languages); which fonts are
installed, from fontconfig (i18n.fonts), which the web pages' fonts use too.
"""

from ..i18n.fonts import font_files, installed_font_families, missing_fonts  # noqa: F401
from ..i18n.languages import ENGLISH, STRING_KEYS, Language, TranslationFileError, catalogue  # noqa: F401
