"""German-aware normalisation of partner data, the first step of duplicate
detection: the same company or person written in different ways gets the
same keys.

* names: case, punctuation and spacing, umlauts and ß folded (ä/ae, ö/oe,
  ü/ue, ß/ss), the legal form split off and kept as a separate signal
  (GmbH, mbH, AG, KG, OHG, e.K., GmbH & Co. KG, UG (haftungsbeschränkt),
  e.V., Ltd., Inc. ...), and a phonetic key (Kölner Phonetik, from the
  ``cologne_phonetics`` package);
* streets: Straße / Strasse / Str. as one form, the house number apart;
* postcodes, phones (E.164 with the ``phonenumbers`` package, the default
  country given), emails and their domain (freemail domains flagged),
  website domains and VAT numbers.

Nothing here imports ``odoo``.
"""

import functools
import re
import unicodedata

import cologne_phonetics
import phonenumbers

FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})

# canonical legal form -> its spellings after folding, dots and spaces removed
LEGAL_FORMS = (
    ("GmbH & Co. KG", ("gmbh&cokg", "gmbhundcokg", "gmbhucokg", "gmbhcokg")),
    # an UG is always "haftungsbeschränkt": the short form is the same
    ("UG (haftungsbeschränkt)", ("ug(haftungsbeschraenkt)", "ughaftungsbeschraenkt", "ug(hb)", "ughb", "ug")),
    ("gGmbH", ("ggmbh",)),
    ("GmbH", ("gmbh", "gesellschaftmbh", "gesellschaftmitbeschraenkterhaftung")),
    ("mbH", ("mbh",)),
    ("KGaA", ("kgaa",)),
    ("AG", ("ag", "aktiengesellschaft")),
    ("KG", ("kg", "kommanditgesellschaft")),
    ("OHG", ("ohg",)),
    ("GbR", ("gbr",)),
    ("PartG", ("partg", "partgmbb")),
    ("e.K.", ("ek", "ekfm", "ekfr")),
    ("e.V.", ("ev",)),
    ("eG", ("eg",)),
    ("SE", ("se",)),
    ("Ltd.", ("ltd", "limited")),
    ("Inc.", ("inc",)),
    ("LLC", ("llc",)),
)
_LEGAL_BY_KEY = {key: form for form, keys in LEGAL_FORMS for key in keys}
# the longest spellings first, at most five words at the end of a name
_MAX_LEGAL_WORDS = 5

FREEMAIL = frozenset(
    {
        "web.de",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "t-online.de",
        "freenet.de",
        "gmail.com",
        "googlemail.com",
        "outlook.de",
        "outlook.com",
        "hotmail.com",
        "hotmail.de",
        "live.de",
        "yahoo.de",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "aol.de",
        "arcor.de",
        "online.de",
        "posteo.de",
        "mailbox.org",
        "vodafone.de",
        "email.de",
    }
)

_STREET_SUFFIX = re.compile(r"(strasse|str\.?)(?=\s|$)")
_HOUSE_NUMBER = re.compile(r"\s*(\d+\s*[a-z]?(\s*[-/]\s*\d+\s*[a-z]?)?)\s*$")


def fold(text):
    """Lower case, umlauts and ß spelled out, other accents removed,
    punctuation as spaces, spaces collapsed: "Müller-Lüdenscheidt GmbH" ->
    "mueller luedenscheidt gmbh"."""
    if not text or not isinstance(text, str):
        return ""
    text = text.translate(FOLD).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9&]+", " ", text)
    return " ".join(text.split())


def split_legal_form(name):
    """``(core, legal form)`` of a company name: the core folded, the legal
    form canonical ("GmbH & Co. KG") or "" when there is none.

    >>> split_legal_form("Müller & Söhne G.m.b.H. & Co. KG")
    ('mueller & soehne', 'GmbH & Co. KG')
    """
    if not name or not isinstance(name, str):
        return "", ""
    # dots inside abbreviations go ("G.m.b.H." -> "gmbh"), words stay apart
    text = name.translate(FOLD).lower().replace(".", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9&()]+", " ", text).split()
    for size in range(min(_MAX_LEGAL_WORDS, len(words) - 1), 0, -1):
        key = "".join(words[-size:])
        form = _LEGAL_BY_KEY.get(key)
        if form:
            return fold(" ".join(words[:-size])), form
    return fold(name), ""


def phonetic(text):
    """Kölner Phonetik of every word, joined: "Meier" and "Mayer" both give
    "67"."""
    folded = fold(text)
    if not folded:
        return ""
    return " ".join(code for code in map(_word_phonetic, folded.split()) if code)


@functools.lru_cache(maxsize=65536)
def _word_phonetic(word):
    # names repeat their words ("bau", "technik", "mueller"): each is encoded once
    return " ".join(code for _word, code in cologne_phonetics.encode(word) if code)


def split_street(street):
    """``(street, house number)`` with one spelling of "Straße":
    "Hauptstraße 12 a" and "Hauptstr. 12a" -> ("hauptstr", "12a")."""
    if not street or not isinstance(street, str):
        return "", ""
    text = street.strip().lower()
    match = _HOUSE_NUMBER.search(text)
    number = ""
    if match:
        number = re.sub(r"\s+", "", match.group(1))
        text = text[: match.start()]
    text = fold(text.replace(".", ". "))
    text = _STREET_SUFFIX.sub("str", text)
    # "haupt str" and "hauptstr" are one street
    text = re.sub(r"\s+str(?=\s|$)", "str", text)
    return " ".join(text.split()), number


def postcode(value):
    """Digits of a postcode ("D-70173" -> "70173")."""
    return re.sub(r"\D", "", value) if isinstance(value, str) else ""


def phone_e164(value, region="DE"):
    """E.164 form of a phone number ("+497111234567") or "" when it is not
    a valid number; ``region`` is the country of numbers written without
    one."""
    if not value or not isinstance(value, str):
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value):
    """``(address, domain, is_freemail)`` of an email, lower case."""
    if not value or not isinstance(value, str) or "@" not in value:
        return "", "", False
    address = value.strip().lower()
    domain = address.rsplit("@", 1)[1]
    return address, domain, domain in FREEMAIL


def website_domain(value):
    """The host of a website without scheme, "www." and path."""
    if not value or not isinstance(value, str):
        return ""
    host = re.sub(r"^[a-z]+://", "", value.strip().lower()).split("/", 1)[0].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def vat(value):
    """A VAT number without spaces, dots and dashes, upper case."""
    return re.sub(r"[\s.\-/]", "", value).upper() if isinstance(value, str) else ""
