"""Contact lists from fairs: read from CSV or Excel, columns recognised by
their headers, every row checked, each told new / existing / review."""

import io

import numpy as np
import pandas as pd
import pytest
from engine import ContractError
from engine.contact_import import contacts, decide, map_columns, read_table


def test_a_german_csv_with_semicolons_in_windows_encoding_is_read():
    text = (
        "Firma;Vorname;Nachname;Straße;PLZ;Ort\nMüller GmbH;;;Hauptstraße 1;01067;Dresden\n;;;;;\n;Jörg;Weiß;;;Köln\n"
    )
    frame = read_table(text.encode("cp1252"), "messe.csv")
    assert list(frame.columns) == ["Firma", "Vorname", "Nachname", "Straße", "PLZ", "Ort"]
    # the empty row is no row; the postcode keeps its leading zero
    assert len(frame) == 2
    assert frame["PLZ"].iloc[0] == "01067"
    assert frame["Nachname"].iloc[1] == "Weiß"


def test_an_excel_list_is_read_as_text():
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "PLZ", "Telefon", "Geburtsdatum", "Kunden-Nr."])
    sheet.append(["Anna Beck", "01067", "0351 1", datetime.datetime(1977, 4, 5), 4711])
    sheet.append(["Tom Kurz", 1067, None, None, None])
    sheet["B3"].number_format = "00000"
    sheet.append([None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    frame = read_table(buffer.getvalue(), "liste.xlsx")
    assert frame.to_dict("records") == [
        {"Name": "Anna Beck", "PLZ": "01067", "Telefon": "0351 1", "Geburtsdatum": "1977-04-05", "Kunden-Nr.": "4711"},
        {"Name": "Tom Kurz", "PLZ": "01067", "Telefon": "", "Geburtsdatum": "", "Kunden-Nr.": ""},
    ]


def test_other_formats_and_lists_without_a_name_are_refused():
    with pytest.raises(ContractError) as error:
        read_table(b"%PDF", "liste.pdf")
    assert error.value.code == "unknown_format"
    with pytest.raises(ContractError) as error:
        map_columns(["Stadt", "Land"])
    assert error.value.code == "no_name_column"


def test_headers_are_recognised_in_german_and_english_and_the_rest_listed():
    mapping, ignored = map_columns(["Vorname", "Last Name", "E-Mail", "e-mail", "PLZ", "Messe-Notiz", "Handy"])
    assert mapping == {
        "Vorname": "given",
        "Last Name": "family",
        "E-Mail": "email",
        "PLZ": "postcode",
        "Handy": "mobile",
    }
    # a second email column is not taken over the first
    assert ignored == ["e-mail", "Messe-Notiz"]


def test_rows_become_contacts_with_their_errors():
    frame = pd.DataFrame(
        {
            "Firma": ["Beck GmbH", "Beck GmbH", "", "", ""],
            "Vorname": ["", "Anna", "", "Tom", "Eva"],
            "Nachname": ["", "Beck", "", "Kurz", "Lang"],
            "E-Mail": ["info@beck.de", "", "", "tom(at)kurz.de", ""],
            "Geburtsdatum": ["", "05.04.1977", "", "", "im Mai"],
        }
    )
    rows = contacts(frame, map_columns(frame.columns)[0])
    assert rows["is_company"].tolist() == [True, False, False, False, False]
    assert rows["person_name"].tolist() == ["Beck GmbH", "Anna Beck", "", "Tom Kurz", "Eva Lang"]
    assert rows.loc[1, "birthdate"] == "1977-04-05"
    assert rows["error"].tolist() == ["", "", "no_name", "email", "birthdate"]


def test_rows_are_new_existing_or_to_review_by_their_best_score():
    assert decide([np.nan, 40, 50, 99.4, 99.5, 100], review=50, sure=99.5).tolist() == [
        "new",
        "new",
        "review",
        "review",
        "existing",
        "existing",
    ]


def test_rows_keep_their_line_in_the_file_and_headers_stay_apart():
    text = "Name;Telefon;Telefon\nAnna Beck;0351 1;0351 2\n;;\nTom Kurz;0341 3;\n"
    frame = read_table(text.encode(), "liste.csv")
    # the header is line 1: the rows are lines 2 and 4 (line 3 is empty)
    assert frame.index.tolist() == [2, 4]
    assert list(frame.columns) == ["Name", "Telefon", "Telefon (2)"]
    mapping, ignored = map_columns(frame.columns)
    assert mapping == {"Name": "name", "Telefon": "phone"} and ignored == ["Telefon (2)"]


def test_a_name_written_family_name_first_with_a_comma_stays_whole():
    frame = read_table("Name\nMeyer, Hans\nBeck, Anna\n".encode(), "liste.csv")
    assert frame["Name"].tolist() == ["Meyer, Hans", "Beck, Anna"]


def test_iso_and_excel_dates_are_year_first_and_german_dates_day_first():
    frame = pd.DataFrame({"Name": ["A", "B", "C"], "Geburtsdatum": ["1980-05-03", "03.05.1980", "1980-05-03 00:00:00"]})
    rows = contacts(frame, map_columns(frame.columns)[0])
    assert rows["birthdate"].tolist() == ["1980-05-03", "1980-05-03", "1980-05-03"]
