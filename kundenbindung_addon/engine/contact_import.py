"""Contact lists brought from fairs and events (CSV or Excel): read, their
columns recognised by their headers (German and English), every row checked,
and each row told apart as new, the same as an existing partner, or to
review, from the scores of :func:`engine.duplicates.probe_batch`.

Errors are language-neutral codes with parameters; the caller words them.
Nothing here imports ``odoo``.
"""

import datetime
import io
import re

import numpy as np
import pandas as pd

from .contracts import ContractError
from .normalize import fold

# what a column may hold -> headers that name it (folded: lower case, umlauts written out,
# no punctuation); the kinds the duplicate search reads are named by its roles (engine.duplicates.ROLES)
FIELDS = {
    "name": ("name", "kunde", "kontakt", "full name", "vollstaendiger name", "ansprechpartner"),
    "company": ("firma", "company", "unternehmen", "company name", "firmenname", "organisation", "organization"),
    "given": ("vorname", "first name", "firstname", "given name"),
    "family": ("nachname", "last name", "lastname", "surname", "family name", "familienname"),
    "street": ("strasse", "street", "adresse", "address", "strasse und hausnummer", "anschrift"),
    "street2": ("adresszusatz", "street2", "address 2", "zusatz"),
    "postcode": ("plz", "zip", "postleitzahl", "postcode", "postal code", "zip code"),
    "city": ("ort", "stadt", "city", "town", "wohnort"),
    "country": ("land", "country", "laenderkennzeichen", "country code"),
    "phone": ("telefon", "phone", "tel", "telefonnummer", "phone number", "festnetz"),
    "mobile": ("mobil", "mobile", "handy", "mobiltelefon", "mobile phone", "mobilnummer"),
    "email": ("e mail", "email", "mail", "e mail adresse", "email address"),
    "website": ("website", "webseite", "homepage", "internet", "url"),
    "vat": ("ust idnr", "ust id", "vat", "umsatzsteuer id", "vat number", "steuernummer", "tax id"),
    "birthdate": ("geburtsdatum", "birthdate", "birth date", "date of birth", "geburtstag"),
    "function": ("position", "funktion", "job title", "function", "stelle"),
    "comment": ("notiz", "notizen", "bemerkung", "note", "notes", "comment", "kommentar"),
}
# the kinds a row needs one of, to be a contact at all
NAMES = ("name", "company", "family")
# rows of one list (matched in one request: about 40 s at 20,000 rows and 164,000 partners)
MAX_ROWS = 20_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _key(header):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(str(header))).split())


SYNONYMS = {_key(header): kind for kind, headers in FIELDS.items() for header in headers}


def read_table(data, filename):
    """The rows of a CSV (any delimiter, UTF-8 or Windows-1252) or Excel
    file as text (a DataFrame of str, "" where empty), headers as written."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        frame = _read_excel(data)
    elif name.endswith((".csv", ".txt")) or not name:
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        # the delimiter the header line uses most (a list of names alone has none: "Meyer, Hans" stays whole)
        header = text.split("\n", 1)[0]
        counts = {delimiter: header.count(delimiter) for delimiter in ";,\t|"}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else "\x1f"
        try:
            # headers read as a row of their own: two columns of one name stay two
            frame = pd.read_csv(
                io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_values=[], header=None
            )
        except Exception as error:
            raise ContractError("unreadable", "the file cannot be read as CSV: %(error)s", error=str(error)) from error
        if frame.empty:
            return pd.DataFrame()
        frame.columns = [str(c) for c in frame.iloc[0]]
        frame = frame.iloc[1:]
        frame.index = range(len(frame))
    else:
        raise ContractError("unknown_format", "only CSV and Excel (.xlsx) files are read, not %(name)s", name=filename)
    if len(frame) > MAX_ROWS:
        raise ContractError("too_many_rows", "at most %(limit)s rows at once", limit=MAX_ROWS)
    frame.columns = _unique([str(c).strip() for c in frame.columns])
    frame = frame.fillna("").astype(str).apply(lambda column: column.str.strip())
    # the index is the row of the file (the header is row 1); rows with nothing in them are no rows
    frame.index = frame.index + 2
    return frame[(frame != "").any(axis=1)]


def _unique(headers):
    """Headers made unique: a second "Telefon" is "Telefon (2)"."""
    seen, out = {}, []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        out.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return out


def _cell(value, number_format="General"):
    """An Excel cell as the text a person sees in it: a whole number without
    ".0" (with the leading zeros its format shows: a postcode "01067"
    typed as a number), a date as an ISO date."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        zeros = len(number_format) if number_format and set(number_format) == {"0"} else 0
        return str(int(value)).zfill(zeros)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_excel(data):
    """The first sheet of an Excel file, read with openpyxl itself (the
    version Odoo installs is older than pandas' reader asks for)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [
            [_cell(cell.value, getattr(cell, "number_format", "General")) for cell in row]
            for row in book.worksheets[0].iter_rows()
        ]
    except Exception as error:
        raise ContractError("unreadable", "the file cannot be read as Excel: %(error)s", error=str(error)) from error
    if not rows:
        return pd.DataFrame()
    header = [text or f"#{k + 1}" for k, text in enumerate(rows[0])]
    width = len(header)
    return pd.DataFrame([(row + [""] * width)[:width] for row in rows[1:]], columns=header, dtype=object)


def map_columns(columns):
    """Which kind (a key of FIELDS) each column holds, by its header:
    ({column: kind}, [columns not recognised]). A kind is taken once, by
    its first column."""
    mapping, ignored, taken = {}, [], set()
    for column in columns:
        kind = SYNONYMS.get(_key(column))
        if kind and kind not in taken:
            mapping[column] = kind
            taken.add(kind)
        else:
            ignored.append(column)
    if not taken & set(NAMES):
        raise ContractError(
            "no_name_column",
            "no column holds a name (Name, Firma, Nachname...); found %(columns)s",
            columns=", ".join(map(str, columns)),
        )
    return mapping, ignored


def contacts(frame, mapping):
    """The rows as contacts: one column per kind of FIELDS ("" where the
    file has none), plus ``person_name`` (given and family name, or the
    name), ``is_company`` (a company's name and no person's) and
    ``error`` (a code, "" for none): no name, an email or a birth date
    that cannot be one."""
    out = pd.DataFrame({kind: "" for kind in FIELDS}, index=frame.index)
    for column, kind in mapping.items():
        out[kind] = frame[column].astype(str)
    person = (out["given"] + " " + out["family"]).str.strip()
    person = person.where(person != "", out["name"])
    out["is_company"] = (person == "") & (out["company"] != "")
    out["person_name"] = person.where(~out["is_company"], out["company"])
    written = out["birthdate"]
    # ISO dates (and Excel's dates) year first; the others as Germans write them, day first
    iso = written.str.match(r"^\d{4}-\d{1,2}-\d{1,2}")
    birth = pd.to_datetime(written.where(~iso, None), errors="coerce", dayfirst=True, format="mixed")
    birth = birth.where(~iso, pd.to_datetime(written.where(iso, None).str[:10], errors="coerce", format="ISO8601"))
    out["birthdate"] = birth.dt.strftime("%Y-%m-%d").where(birth.notna(), "")
    error = np.full(len(out), "", dtype=object)
    error[((written != "") & birth.isna()).to_numpy()] = "birthdate"
    error[((out["email"] != "") & ~out["email"].str.match(EMAIL)).to_numpy()] = "email"
    error[(out["person_name"] == "").to_numpy()] = "no_name"
    out["error"] = error
    return out


def decide(scores, review, sure):
    """new / existing / review of each row from its best score (NaN: no
    candidate): the same as an existing partner from ``sure`` on, to
    review from ``review`` on, else new."""
    scores = np.asarray(scores, dtype=float)
    out = np.full(len(scores), "new", dtype=object)
    out[scores >= review] = "review"
    out[scores >= sure] = "existing"
    return out
