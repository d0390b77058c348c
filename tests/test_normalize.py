"""Normalisation for duplicate detection: names, legal forms, streets,
phones, emails, websites, VAT, phonetic keys."""

import pytest
from engine.normalize import (
    email,
    fold,
    phone_e164,
    phonetic,
    postcode,
    split_legal_form,
    split_street,
    vat,
    website_domain,
)
from tools.demo_data import AREA_CODES, LEGAL_FORMS, PHONE_STYLES, e164, format_phone, generate


def test_fold_umlauts_sharp_s_case_punctuation_spacing():
    assert fold("Müller-Lüdenscheidt  GmbH") == "mueller luedenscheidt gmbh"
    assert fold("MUELLER-LUEDENSCHEIDT GMBH") == "mueller luedenscheidt gmbh"
    assert fold("Großhandel Weiß") == fold("Grosshandel Weiss") == "grosshandel weiss"
    assert fold("Café Zoë") == "cafe zoe"
    assert fold(None) == "" and fold(12) == ""


@pytest.mark.parametrize(
    "name, core, form",
    [
        ("Müller & Söhne G.m.b.H. & Co. KG", "mueller & soehne", "GmbH & Co. KG"),
        ("Mueller & Soehne GmbH & Co KG", "mueller & soehne", "GmbH & Co. KG"),
        ("Bau Zossen UG (haftungsbeschränkt)", "bau zossen", "UG (haftungsbeschränkt)"),
        ("Bau Zossen UG (haftungsbeschraenkt)", "bau zossen", "UG (haftungsbeschränkt)"),
        ("Holz Meier e.K.", "holz meier", "e.K."),
        ("Holz Meier e. K.", "holz meier", "e.K."),
        ("Sportverein Rot e.V.", "sportverein rot", "e.V."),
        ("Schmidt OHG", "schmidt", "OHG"),
        ("Acme Ltd.", "acme", "Ltd."),
        ("Beta Verwaltungs mbH", "beta verwaltungs", "mbH"),
        ("Jana Schulz", "jana schulz", ""),
        # a name that is only a legal form keeps it as its name
        ("AG", "ag", ""),
    ],
)
def test_legal_form_split_off(name, core, form):
    assert split_legal_form(name) == (core, form)


def test_every_legal_form_spelling_of_the_generator_is_recognised():
    for form, _share, variants in LEGAL_FORMS:
        expected = split_legal_form(f"Muster Logistik {form}")
        assert expected == ("muster logistik", split_legal_form(f"X {form}")[1])
        assert expected[1], form
        for variant in variants:
            assert split_legal_form(f"Muster Logistik {variant}") == expected, variant


def test_streets_one_spelling_and_the_house_number_apart():
    assert split_street("Hauptstraße 12 a") == ("hauptstr", "12a")
    assert split_street("Hauptstr. 12a") == ("hauptstr", "12a")
    assert split_street("Hauptstrasse 12A") == ("hauptstr", "12a")
    assert split_street("Mahmut-Jessel-Weg 1") == ("mahmut jessel weg", "1")
    assert split_street("Am Markt") == ("am markt", "")
    assert split_street("Lange Str. 3-5") == ("langestr", "3-5")
    assert split_street("Lange Straße 3 - 5") == ("langestr", "3-5")


def test_postcode_and_vat_and_website():
    assert postcode("D-70173") == "70173" and postcode(None) == ""
    assert vat("de 123.456.789") == "DE123456789"
    assert website_domain("https://www.muster-gmbh.de/kontakt") == "muster-gmbh.de"
    assert website_domain("muster-gmbh.de") == "muster-gmbh.de"


def test_email_domain_and_freemail():
    assert email(" Info@Muster-GmbH.de ") == ("info@muster-gmbh.de", "muster-gmbh.de", False)
    assert email("jana.schulz@web.de")[2] is True
    assert email("no address") == ("", "", False)


def test_every_phone_style_of_the_generator_gives_the_true_e164():
    for area in AREA_CODES:
        subscriber = "1234567" if len(area) <= 3 else "123456"
        for style in range(PHONE_STYLES):
            written = format_phone((area, subscriber), style)
            assert phone_e164(written) == e164(area, subscriber), written


def test_phones_of_generated_customers():
    data = generate(300, seed=3)
    rows = data.customers[data.customers["phone_e164"] != ""]
    assert len(rows) > 100
    assert (rows["phone"].map(phone_e164) == rows["phone_e164"]).all()


def test_invalid_or_foreign_phones():
    assert phone_e164("12") == ""
    assert phone_e164("kein Telefon") == ""
    assert phone_e164("+43 1 5123456") == "+4315123456"
    assert phone_e164("01 42 68 53 00", region="FR") == "+33142685300"


def test_phonetic_key_hears_spelling_variants():
    assert phonetic("Meier") == phonetic("Mayer") == phonetic("Maier")
    assert phonetic("Müller") == phonetic("Mueller")
    assert phonetic("Schmidt") == phonetic("Schmitt")
    assert phonetic("Müller") != phonetic("Schmidt")
    assert phonetic("") == ""


# ---------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

GERMAN_TEXT = st.text(alphabet=st.sampled_from("abcdeglmnorstuzäöüßÄÖÜABCMS .-&/0123456789"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(GERMAN_TEXT)
def test_normalising_twice_changes_nothing(text):
    assert fold(fold(text)) == fold(text)
    core, _form = split_legal_form(text)
    assert split_legal_form(core)[0] == core
    assert postcode(postcode(text)) == postcode(text)
    assert vat(vat(text)) == vat(text)
    address, _mail_domain, _free = email(text + "@Muster-GmbH.de")
    assert email(address)[0] == address
    assert website_domain(website_domain("www." + text.replace(" ", "") + ".de")) == website_domain(
        "www." + text.replace(" ", "") + ".de"
    )
    # the phonetic key of the normalised text is the key of the text
    assert phonetic(fold(text)) == phonetic(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=9999999), st.sampled_from(sorted(AREA_CODES)))
def test_an_e164_number_is_its_own_normal_form(number, area):
    formatted = e164(area, str(number).zfill(7))
    normal = phone_e164(formatted)
    assert phone_e164(normal) == normal


def test_a_legal_form_after_a_dot_or_repeated_is_split_off_once():
    # found by the property above: "0.Se" gave the core "0 se", whose own core was "0"
    assert split_legal_form("Müller.GmbH") == ("mueller", "GmbH")
    assert split_legal_form("0.Se") == ("0", "SE")
    assert split_legal_form("Bau AG AG") == ("bau", "AG")
    assert split_legal_form(split_legal_form("Bau AG AG")[0]) == ("bau", "")
