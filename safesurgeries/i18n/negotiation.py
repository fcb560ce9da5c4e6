"""Which offered language suits a browser's Accept-Language best."""

from collections.abc import Mapping

# Tags browsers send for languages we offer under another tag.
ALIASES = {
    "zh": "zh-Hans",  # Chinese: zh-CN, zh-SG, zh-Hans; Traditional-script readers are closer to it than to English
    "pa": "pa-Guru",  # Punjabi in Gurmukhi script (pa-IN)
    "fa-af": "prs",  # Persian as spoken in Afghanistan is Dari
    "ku": "ckb",  # Kurdish: we offer Sorani
}


def best_language(accepted, offered: Mapping) -> str | None:
    """The offered code that best suits the accepted languages, in the browser's order of preference.

    Hand-written because werkzeug's best_match prefers an exact lesser choice to a regional first choice
    ("ar-EG, en;q=0.5" gives English) and Babel's negotiate_locale knows no script subtags ("zh-CN" for zh-Hans).
    """
    by_lower = {code.lower(): code for code in offered}
    for tag, quality in accepted:  # werkzeug sorts them, highest quality first
        if quality <= 0 or tag == "*":
            continue
        tag = tag.lower().replace("_", "-")
        primary = tag.split("-")[0]
        for candidate in (tag, ALIASES.get(tag), primary, ALIASES.get(primary)):
            if candidate and candidate.lower() in by_lower:
                return by_lower[candidate.lower()]
    return None
