"""A directory practice's name and address as a person writes them, from NHS England's capitals.

epraccur gives "LANFRANC MEDICAL CENTRE", the name again as the first address line, and lines such as
"GREENFORD ROAD,HARROW". The directory keeps them exactly as published; this module cases them where they
are shown or handed to a form: title case that keeps acronyms, initials, postcodes and codes in capitals.

Hand-written on purpose. `titlecase` (PyPI) was tried first: it is editorial headline casing for English, and
on this data it writes "Unit a" (its small word "a"), "CWM" (any vowel-less word of 3+ letters is taken for
an acronym, which Welsh "cwm" is not, while "RD", "CTR", "HC" are not acronyms but abbreviations), "d'ARCY",
"MED.CTR" (words with a full stop are left alone), "Chester-Le-Street", "Macleod", and its small-word list
is module-global state. A callback that fixes all of that decides every word itself, leaving the library only
a split on spaces. `nameparser` cases people's names, not addresses.
"""

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Kept in capitals wherever they appear. Vowel-less ones (NHS, PCN, HMP, CCG...) need not be listed: a word
# with no vowel is read as an acronym unless it is a known abbreviation below.
ACRONYMS = frozenset(
    {
        "UK",
        "GP",
        "ICB",
        "MOD",
        "RAF",
        "HMP",
        "NHS",
        "PCN",
        "CCG",
        "ODS",
        "NE",
        "EA",
        "PO",
        "BFPO",
        "CIC",
        "UEA",
        "AQP",
        "OOH",
        "ENT",
        "WIC",
        "UTC",
        "UCC",
        "IUC",
        "YOI",
        "MIU",
        "CAMHS",
        "ADHD",
        "COPD",
        "IAPT",
        "HIV",
        "BMA",
        "BMI",
        "SAS",
        "ICS",
        "ICP",
        "UHB",
        "GMS",
        "PMS",
        "APMS",
        "EMC",
        "ICO",
        "GPA",
        "MGP",
        "SMA",
        "FHP",
        "BHI",
        "BHF",
        "SEL",
        "NEL",
        "UHPC",
        "LARC",
        "RUFC",
        "MKGP",
        "BLMK",
        "ELHC",
        "COVID",
        "EPUT",
        "ELFT",
        "NELFT",
        "NEAS",
        "DHU",
        "NDUC",
        "SCAS",
        "UHL",
        "NUH",
        "PRUH",
        "OHP",
        "ACC",
        "RAEI",
        "IRC",
    }
)
# Acronyms written with a small letter.
SPECIAL = {
    "GPS": "GPs",
    "GPSI": "GPwSI",
    "GPWSI": "GPwSI",
    "C/O": "c/o",
    "T/A": "t/a",
    "CO-OP": "Co-op",
    "CO-OPERATIVE": "Co-operative",
}
# Abbreviations and short words that are title-cased, though they have no vowel or are two letters long.
ABBREVIATIONS = frozenset(
    {
        "ST",
        "DR",
        "DRS",
        "MR",
        "MRS",
        "MS",
        "RD",
        "NR",
        "LN",
        "CT",
        "CL",
        "PK",
        "PL",
        "SQ",
        "FL",
        "GT",
        "GR",
        "AV",
        "CTR",
        "CTRS",
        "CNTR",
        "CNT",
        "HTH",
        "HLTH",
        "GRP",
        "GRN",
        "NTH",
        "STH",
        "LTD",
        "FLR",
        "CRT",
        "GDNS",
        "BLVD",
        "BLDG",
        "BLD",
        "MKT",
        "STN",
        "PTNR",
        "PTNRS",
        "PRCT",
        "SCH",
        "SGRY",
        "HGHTS",
        "VLGE",
        "MRKT",
        "PLCE",
        "CLSE",
        "GRNGE",
        "MDDX",
        "CO",
        "TY",
        "AL",
        "OM",
        "DU",
        "LE",
        "LA",
        "DE",
        "UP",
        "DO",
        "MY",
        "ME",
        "HE",
        "WE",
        "NO",
        "OR",
        "AS",
        "IS",
        "IT",
        "AN",
        "NG",
    }
)
# Welsh words whose vowel is w, which the vowel-less rule would take for acronyms.
WELSH_W_WORDS = frozenset({"CWM", "HWB", "CWRT", "PWLL", "TWR", "DWR", "FFRWD", "BWLCH"})
# Lower case except as a line's first word (Welsh y and yr are "the").
SMALL_WORDS = frozenset({"and", "of", "the", "at", "on", "upon", "in", "by", "for", "with", "to", "y", "yr"})
# Lower case inside a hyphenated place name: Stoke-on-Trent, Chester-le-Street, Weston-super-Mare, Walk-in.
HYPHEN_LINKS = SMALL_WORDS | frozenset({"le", "la", "de", "du", "under", "cum", "super", "sur", "en", "a"})
# Welsh hyphenated names are lower case after the article, as the Welsh Language Commissioner's list of
# standardised place names writes them: Pen-y-bont, Betws-y-coed, Tan-yr-ysgol.
WELSH_LINKS = frozenset({"y", "yr", "ym", "yng"})
# Gaelic surnames written MacX; other Mac words stay ordinary (Mace, Machen, Macclesfield, Macmillan).
MAC_NAMES = frozenset(
    {
        "DONALD",
        "LEOD",
        "RAE",
        "LACHLAN",
        "MICHAEL",
        "GREGOR",
        "KENZIE",
        "INTYRE",
        "LEAN",
        "NEIL",
        "PHERSON",
        "FARLANE",
        "DOUGALL",
        "ALLISTER",
        "ARTHUR",
        "KINNON",
        "QUEEN",
        "LENNAN",
        "IVER",
        "NAB",
        "NAUGHTON",
        "CALLUM",
        "FADYEN",
        "KINLAY",
    }
)

# The most address lines the toolkit form takes (toolkit/details.py).
MAX_ADDRESS_LINES = 5
ROMAN_NUMERAL = re.compile(r"(?=[IVX]{2,}$)X{0,3}(IX|IV|V?I{0,3})")
ORDINAL = re.compile(r"(\d+)(ST|ND|RD|TH)", re.IGNORECASE)
HOUSE_NUMBER = re.compile(r"\d+[A-Z]?(-\d+[A-Z]?)?", re.IGNORECASE)
LEADING = "([{\"'‘“"
TRAILING = ")]}\"'’”,.;:!?"
VOWELS = set("AEIOUY")


@dataclass(frozen=True)
class WrittenPractice:
    name: str
    address_lines: list[str]


def written_practice(name: str, address_lines: Sequence[str]) -> WrittenPractice:
    """A directory practice's name and address lines as a person writes them."""
    return WrittenPractice(written_line(name), written_address(name, address_lines))


def written_address(name: str, address_lines: Sequence[str]) -> list[str]:
    """Comma-joined lines split, blank lines and the practice's own name dropped, each line cased."""
    seen = {_comparable(name)}
    groups = []
    for line in address_lines:
        group: list[str] = []
        for part in (" ".join(part.split()) for part in line.split(",")):
            if group and HOUSE_NUMBER.fullmatch(group[-1]):
                group[-1] = f"{group[-1]} {part}"  # "7, HIGH STREET": the number belongs to the street
            elif part and _comparable(part) not in seen:
                seen.add(_comparable(part))
                group.append(part)
        groups.append([written_line(part) for part in group])
    # Split no further than the forms take: the first comma-joined lines stay one line, commas and all.
    while sum(map(len, groups)) > MAX_ADDRESS_LINES and any(len(group) > 1 for group in groups):
        index = next(i for i, group in enumerate(groups) if len(group) > 1)
        groups[index] = [", ".join(groups[index])]
    return [line for group in groups for line in group]


# Only for telling whether an address line repeats the name: "THE AVENUES MEDICAL CTRE" is "AVENUES MEDICAL CENTRE".
SAME_WORDS = {
    "ctr": "centre",
    "ctre": "centre",
    "cntr": "centre",
    "center": "centre",
    "med": "medical",
    "prac": "practice",
    "pract": "practice",
    "hth": "health",
    "hlth": "health",
    "surg": "surgery",
}


def _comparable(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return "".join(SAME_WORDS.get(word, word) for word in words)


def written_line(line: str) -> str:
    """One line in capitals, as a person writes it; a line that has small letters is already written."""
    line = " ".join(line.split())
    if any(ch.islower() for ch in line):
        return line
    words = [_word(word) for word in line.split(" ")]
    # French particles inside a name: Chester le Street, Ashby de la Zouch; but The De Parys Group, 1 De Winton St.
    for index in range(1, len(words)):
        before = words[index - 1]
        if words[index] in ("Le", "La", "De", "Du") and before.isalpha() and before.lower() != "the":
            words[index] = words[index].lower()
    # A small word is capitalised when it opens the line, after any house number ("7 The Row").
    for index, word in enumerate(words):
        if any(ch.isalpha() for ch in word):
            if word in SMALL_WORDS:
                words[index] = word.capitalize()
            break
    return " ".join(words)


def _word(word: str) -> str:
    """One space-separated word, its surrounding brackets and punctuation kept."""
    core = word.lstrip(LEADING)
    lead = word[: len(word) - len(core)]
    stripped = core.rstrip(TRAILING)
    trail = core[len(stripped) :]
    if not stripped:
        return word
    cased = _cased(stripped)
    if cased in ("St", "Dr", "Drs", "Mr", "Mrs", "Ms") and trail.startswith("."):
        trail = trail[1:]  # British usage: St Mary's, Dr Patel
    return lead + cased + trail


def _cased(word: str) -> str:
    upper = word.upper()
    if upper in SPECIAL:
        return SPECIAL[upper]
    if "." in word:
        return _joined(word, ".")
    for separator in "&+/@":
        if separator in word:
            return _joined(word, separator)
    if "-" in word:
        return _hyphenated(word)
    for apostrophe in "'’":
        if apostrophe in word:
            head, tail = word.split(apostrophe, 1)
            if upper[:1] in ("O", "D") and len(head) == 1 and len(tail) >= 2:
                return f"{head.upper()}{apostrophe}{tail.capitalize()}"  # O'Brien, D'Arcy
            return f"{_cased(head) if head else ''}{apostrophe}{tail.lower()}"  # Mary's, P'ship
    return _plain(word)


def _plain(word: str) -> str:
    """A word without separators."""
    upper = word.upper()
    if any(ch.isdigit() for ch in word):
        # Codes, postcodes and house numbers as given, but 1st, 2nd, 3rd floor.
        return ORDINAL.sub(lambda m: m.group(1) + m.group(2).lower(), upper) if ORDINAL.fullmatch(word) else upper
    if word.lower() in SMALL_WORDS:
        return word.lower()
    if not word.isalpha() or len(word) == 1 or upper in ACRONYMS or ROMAN_NUMERAL.fullmatch(upper):
        return upper
    base = "".join(ch for ch in unicodedata.normalize("NFD", upper) if not unicodedata.combining(ch))  # TŶ is TY
    if base in ABBREVIATIONS or base in WELSH_W_WORDS:
        return word.capitalize()
    if not VOWELS & set(base) or len(word) == 2:
        return upper  # initials (DR RP PANDYA) and acronyms (HC, PCN, CMHT)
    if upper.startswith("MC") and len(word) > 4:
        return "Mc" + word[2:].capitalize()
    if upper.startswith("MAC") and upper[3:] in MAC_NAMES:
        return "Mac" + word[3:].capitalize()
    return word.capitalize()


def _joined(word: str, separator: str) -> str:
    """Parts joined by a full stop, &, + or /, each cased; words of two letters or more spaced apart."""
    parts = word.split(separator)
    out = _cased(parts[0]) if parts[0] else ""
    for before, part in itertools.pairwise(parts):
        cased = _cased(part) if part else ""
        if separator == "." and before.upper() in ("ST", "DR") and len(part) >= 2:
            out += " " + cased  # ST.MARY'S: St Mary's
        elif separator == "." and len(part) >= 2 and part.isalpha():
            out += ". " + cased  # MED.CTR: Med. Ctr, N.ORMESBY: N. Ormesby
        elif separator in "&+" and len(before) >= 2 and len(part) >= 2:
            out += f" {separator} " + cased  # TCE&RAWLING: Tce & Rawling, but A&E
        else:
            out += separator + cased
    return out


def _hyphenated(word: str) -> str:
    """Stoke-on-Trent, Chester-le-Street, Walk-in; Welsh: Pen-y-bont, Tan-yr-ysgol."""
    parts = word.split("-")
    out = [_cased(parts[0]) if parts[0] else ""]
    welsh = False
    for part in parts[1:]:
        lower = part.lower()
        if welsh or lower in WELSH_LINKS and len(parts) > 2:
            welsh = True
            out.append(lower)
        elif lower in HYPHEN_LINKS:
            out.append(lower)
        else:
            out.append(_cased(part) if part else "")
    return "-".join(out)
