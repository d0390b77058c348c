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


# what is not a letter (of any script), a digit or "&" separates words
_NOT_WORD = re.compile(r"[^\w&]+|_+")


def fold(text):
    """Lower case, umlauts and ß spelled out, other accents removed,
    punctuation as spaces, spaces collapsed: "Müller-Lüdenscheidt GmbH" ->
    "mueller luedenscheidt gmbh"."""
    if not text or not isinstance(text, str):
        return ""
    text = text.translate(FOLD).lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def split_legal_form(name):
    """``(core, legal form)`` of a company name: the core folded, the legal
    form canonical ("GmbH & Co. KG") or "" when there is none. A legal form
    written after a dot ("Müller.GmbH") counts as one, and so does a repeated
    one ("Bau AG AG": the outer is the form), so that the core of a core is
    itself.

    >>> split_legal_form("Müller & Söhne G.m.b.H. & Co. KG")
    ('mueller & soehne', 'GmbH & Co. KG')
    """
    if not name or not isinstance(name, str):
        return "", ""
    core, form = _split_legal_form_once(name)
    while form:
        inner, more = _split_legal_form_once(core)
        if not more:
            break
        core = inner
    return core, form


def _split_legal_form_once(name):
    # dots inside abbreviations go ("G.m.b.H." -> "gmbh"), words stay apart
    text = name.translate(FOLD).lower().replace(".", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.sub(r"[^\w&()]+|_+", " ", text).split()
    # then the folded words, where a dot parts them ("0.SE" -> "0 se")
    for candidate in (words, fold(name).split()):
        for size in range(min(_MAX_LEGAL_WORDS, len(candidate) - 1), 0, -1):
            form = _LEGAL_BY_KEY.get("".join(candidate[-size:]))
            if form:
                return fold(" ".join(candidate[:-size])), form
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


# ---------------------------------------------------------------- persons

# forms of address and academic titles: not part of a person's name
_TITLES = frozenset("herr herrn frau fr hr dr prof professor dipl ing med rer nat phil jur mr mrs ms miss mag".split())
# "jun." and "sen.": father and son of one name are two people
_GENERATIONS = {"jun": "jun", "jr": "jun", "junior": "jun", "sen": "sen", "sr": "sen", "senior": "sen"}
# words that belong to the family name that follows them ("von Müller")
_PARTICLES = frozenset("von vom van der den de zu zum zur di da del la le ten ter".split())

# short and long forms of one given name (common German and English ones):
# each row is one name
NICKNAMES = (
    ("johannes", "johann", "hans", "jan", "johan"),
    ("katharina", "katrin", "kathrin", "katja", "kathi", "kati", "catherine", "kate", "katie"),
    ("elisabeth", "elisabet", "lisa", "liese", "elise", "else", "elsbeth", "elizabeth", "beth", "betty", "liz"),
    ("margarete", "margarethe", "grete", "gretel", "margit", "margret", "margaret", "maggie", "meg", "peggy"),
    ("friedrich", "fritz", "fred", "frederick", "freddy"),
    ("wilhelm", "willi", "willy", "william", "bill", "will", "billy"),
    ("heinrich", "heinz", "hein", "henry", "harry", "hank"),
    ("josef", "joseph", "sepp", "seppl", "joe", "jo"),
    ("wolfgang", "wolf", "wolfi"),
    ("alexander", "alex", "sascha", "xander"),
    ("christoph", "christopher", "chris", "kristof", "christof"),
    ("christina", "christine", "tina", "kristina", "chris"),
    ("stefan", "stephan", "steffen", "steve", "steven", "stephen"),
    ("thomas", "tom", "tommy"),
    ("michael", "micha", "mike", "michi"),
    ("andreas", "andi", "andy", "andrew", "drew"),
    ("matthias", "mathias", "matthew", "matt", "matze"),
    ("robert", "rob", "bob", "bobby", "robbie"),
    ("richard", "rick", "dick", "ricky"),
    ("james", "jim", "jimmy", "jamie"),
    ("anthony", "tony", "anton", "toni"),
    ("edward", "ed", "eddie", "ted", "eduard"),
    ("susanne", "susanna", "susan", "sue", "susi", "suse"),
    ("barbara", "babs", "barbie", "bärbel"),
    ("magdalena", "magda", "lena", "leni"),
    ("gabriele", "gabi", "gaby", "gabriela"),
    ("rebecca", "becky", "becca"),
    ("jennifer", "jenny", "jen"),
    ("patricia", "patty", "pat", "trish"),
    ("daniel", "dan", "danny", "dani"),
    ("benjamin", "ben", "benny"),
    ("nikolaus", "niklas", "klaus", "nick", "nicholas", "nico", "nikolas"),
    ("bernhard", "bernd", "bernie", "bernard"),
    ("gottfried", "fried", "friedel"),
    ("maximilian", "max", "maxi"),
    ("samuel", "sam", "sammy"),
    ("samantha", "sam", "sammy"),
)
_NICKNAME_GROUPS = {}
for _number, _row in enumerate(NICKNAMES):
    for _name in _row:
        _NICKNAME_GROUPS.setdefault(fold(_name), set()).add(_number)


def nickname_key(given):
    """A key shared by the forms of one given name: "" for a name of no
    known group, "*" for one of several groups ("chris": Christoph or
    Christina; ask :func:`same_given_name`)."""
    groups = _NICKNAME_GROUPS.get(given)
    if not groups:
        return ""
    return "n%d" % min(groups) if len(groups) == 1 else "*"


def same_given_name(a, b):
    """Whether two folded given names are forms of one name ("hans" and
    "johannes")."""
    groups = _NICKNAME_GROUPS.get(a)
    return bool(groups and groups & _NICKNAME_GROUPS.get(b, set()))


def split_generation(text):
    """``(name, generation)``: "Hans Müller jun." -> ("hans mueller", "jun")."""
    words, generation = _person_words(text)
    return " ".join(words), generation


def _person_words(text):
    """The words of a person's name as written (a hyphenated name is one
    word), each folded, without "jun."/"sen." (returned apart)."""
    generation = ""
    kept = []
    for raw in (text or "").split() if isinstance(text, str) else ():
        word = fold(raw)
        mark = _GENERATIONS.get(word.replace(" ", ""))
        if mark:
            generation = mark
        elif word:
            kept.append(word)
    return kept, generation


def split_person(name):
    """``(given names, family name, generation)`` of a person's name
    written in one field, folded: "Dr. Hans-Peter von Müller-Lüdenscheidt
    jun." -> ("hans peter", "von mueller luedenscheidt", "jun");
    "Müller, Hans" -> ("hans", "mueller", "")."""
    if not name or not isinstance(name, str):
        return "", "", ""
    if "," in name:
        family, _comma, given = name.partition(",")
        given, gen_a = _person_words(given)
        family, gen_b = _person_words(family)
        given = " ".join(w for w in given if w not in _TITLES)
        return given, " ".join(w for w in family if w not in _TITLES), gen_a or gen_b
    words, generation = _person_words(name.replace(",", " "))
    words = [w for w in words if w not in _TITLES]
    if len(words) < 2:
        return "", " ".join(words), generation
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:]), generation
