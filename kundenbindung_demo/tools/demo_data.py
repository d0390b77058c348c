"""Deterministic demo data: a German SME's customer base, without Odoo.

``generate()`` returns plain pandas frames (customers, contact persons,
product categories and products, invoices and their lines, the true
duplicate pairs), so the same data feeds ``make demo`` (about 2,000
partners), the Odoo tests (a few dozen) and the benchmarks (100,000 partners
and 2 million invoice lines). Nothing here imports ``odoo``; the loader in
``demo_loader.py`` writes the frames into a database.

Names, streets, postcodes and cities come from Faker's ``de_DE`` locale
(well kept, realistic German names and addresses, seedable), drawn once
into pools and combined with numpy so that 100,000 partners take seconds.
Phone numbers are built here rather than by Faker because the generator
must know each number's true E.164 form to write it in mixed formats.

The shape of the data:

* customers are companies with a legal form (GmbH, AG, KG, e.K.,
  GmbH & Co. KG, UG (haftungsbeschränkt), ...) and private persons; companies
  have 0-3 contact persons;
* revenue is Pareto-shaped (shape 1.16: the top ~20 % of customers bring
  ~80 % of the revenue); bigger customers buy both more often and more;
* every customer has an interest profile over the product categories
  (one to three dominant ones, kept in ``customers.profile`` as the planted
  truth for the clustering issue) and a purchase rhythm; about 15 % stop
  buying at some point in the period;
* about 3 % of invoices get a credit note for part of their lines;
* every product has a cost: each main category its own margin on the list
  price (``MAIN_MARGINS``), the last one planted at 4 %, below the
  negotiated discounts: a category sold at a loss; about 1 % of the
  customers (``customers.sold_at_a_loss``, the planted truth) got prices
  cut by more than any margin, so that they buy at a loss;
* about 1 % of the customers for each field of the customer portfolio
  (``customers.planted_field``, the planted truth) are shaped to belong
  there: big regular buyers for a long time (stars), one big first order
  in the last weeks (question marks), small regular orders for a long time
  (cash cows), two small orders, the last most of a year ago (poor dogs);
* about 5 % of the partners are injected duplicates of customers (typos,
  transposed letters, ä/ae, ß/ss, GmbH vs G.m.b.H., Str. vs Straße, +49 vs 0
  phone formats, missing email); ``duplicates`` holds the true pairs.
"""

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

PARETO_SHAPE = 1.16  # the 80/20 rule
# the margin of each main category on its list price (its products' cost is the rest); the
# last category's 4 % is less than the negotiated discounts (up to 15 %): sold at a loss
MAIN_MARGINS = (0.45, 0.35, 0.30, 0.40, 0.28, 0.50, 0.22, 0.38, 0.32, 0.04)
# the share of customers planted as buying at a loss, and how far their prices are cut
LOSS_SHARE = 0.01
LOSS_CUT = 0.55
# the share of customers planted in each field of the customer portfolio
PORTFOLIO_SHARE = 0.01
LINES_PER_PARTNER = 10

LEGAL_FORMS = (
    # (form, share among companies, variants a duplicate may use)
    ("GmbH", 0.40, ("G.m.b.H.", "Gmbh", "GmbH.", "Gesellschaft mbH")),
    ("GmbH & Co. KG", 0.14, ("GmbH & Co KG", "GmbH u. Co. KG", "GmbH&Co.KG")),
    ("AG", 0.06, ("A.G.", "Aktiengesellschaft")),
    ("KG", 0.08, ("K.G.",)),
    ("e.K.", 0.12, ("eK", "e. K.", "e.Kfm.")),
    ("UG (haftungsbeschränkt)", 0.10, ("UG (haftungsbeschraenkt)", "UG", "UG (h.b.)")),
    ("OHG", 0.05, ("oHG", "O.H.G.")),
    ("e.V.", 0.05, ("eV", "e. V.")),
)

TRADES = (
    "Bürotechnik",
    "Bau",
    "Elektro",
    "Metallbau",
    "Logistik",
    "Druckerei",
    "Immobilien",
    "Steuerberatung",
    "Gartenbau",
    "Maschinenbau",
    "Autohaus",
    "Bäckerei",
    "Sanitär",
    "Holzbau",
    "Medien",
    "Consulting",
    "Praxisbedarf",
    "Handelshaus",
    "Verpackungen",
    "Haustechnik",
    "Reisen",
    "Getränke",
)

CATEGORIES = (
    # (main category, [(subcategory, [(product, list price), ...]), ...]):
    # 10 main categories of 5 subcategories each, 2 products per subcategory
    (
        "Büromöbel",
        [
            ("Schreibtische", [("Schreibtisch höhenverstellbar", 689.0), ("Schreibtisch 160 x 80", 329.0)]),
            ("Bürostühle", [("Bürostuhl ergonomisch", 429.0), ("Besucherstuhl, 4 Stück", 259.0)]),
            ("Schränke & Container", [("Rollcontainer", 189.0), ("Aktenschrank", 349.0)]),
            ("Konferenzmöbel", [("Besprechungstisch", 799.0), ("Konferenzstuhl", 159.0)]),
            ("Empfang & Lounge", [("Empfangstheke", 1490.0), ("Loungesessel", 389.0)]),
        ],
    ),
    (
        "Papier & Druck",
        [
            ("Kopierpapier", [("Kopierpapier A4, 500 Blatt", 5.49), ("Kopierpapier A3, 500 Blatt", 11.9)]),
            ("Briefumschläge", [("Briefumschläge DL, 1000 Stück", 24.9), ("Versandtaschen C4, 250 Stück", 29.5)]),
            ("Visitenkarten", [("Visitenkarten, 500 Stück", 39.0), ("Visitenkarten Premium, 250 Stück", 49.0)]),
            ("Werbedruck", [("Flyer A5, 1000 Stück", 89.0), ("Broschüre A4, 100 Stück", 179.0)]),
            ("Geschäftsdrucksachen", [("Briefpapier, 1000 Blatt", 69.0), ("Stempel mit Firmenlogo", 34.9)]),
        ],
    ),
    (
        "Schreibwaren",
        [
            ("Schreibgeräte", [("Kugelschreiber, 50 Stück", 19.9), ("Füllhalter", 24.5)]),
            ("Ordner & Register", [("Ordner A4, 10 Stück", 27.5), ("Register 1-12, 10 Stück", 12.9)]),
            ("Notizen & Blöcke", [("Haftnotizen, 12 Blöcke", 9.95), ("Collegeblock A4, 10 Stück", 16.9)]),
            ("Markieren & Korrigieren", [("Textmarker, 4 Farben", 4.49), ("Korrekturroller, 10 Stück", 17.5)]),
            ("Schneiden & Kleben", [("Schere, 3 Stück", 11.9), ("Klebestift, 12 Stück", 13.5)]),
        ],
    ),
    (
        "IT-Zubehör",
        [
            ("Monitore", [("Monitor 27 Zoll", 279.0), ("Monitor 24 Zoll", 169.0)]),
            ("Notebooks", [("Notebook 14 Zoll", 1149.0), ("Notebook 16 Zoll", 1399.0)]),
            ("Eingabegeräte", [("Tastatur und Maus", 59.0), ("Ergonomische Maus", 45.0)]),
            ("Dockingstationen & Kabel", [("Dockingstation USB-C", 189.0), ("HDMI-Kabel, 5 Stück", 24.9)]),
            ("Audio & Video", [("Headset", 89.0), ("Webcam Full HD", 79.0)]),
        ],
    ),
    (
        "Drucker & Toner",
        [
            ("Laserdrucker", [("Laserdrucker", 319.0), ("Farblaserdrucker", 549.0)]),
            ("Multifunktionsgeräte", [("Multifunktionsgerät A4", 449.0), ("Multifunktionsgerät A3", 1890.0)]),
            ("Toner", [("Toner schwarz", 89.0), ("Toner Farbe, Satz", 249.0)]),
            ("Tinte", [("Tintenpatrone schwarz", 29.9), ("Tintenpatronen Farbe, Satz", 59.0)]),
            ("Drucker-Verschleißteile", [("Trommeleinheit", 129.0), ("Fixiereinheit", 169.0)]),
        ],
    ),
    (
        "Reinigung & Hygiene",
        [
            ("Handpflege", [("Handseife, 5 Liter", 14.9), ("Handcreme, 12 Tuben", 23.9)]),
            ("Papierhygiene", [("Papierhandtücher, Karton", 32.0), ("Toilettenpapier, 64 Rollen", 36.5)]),
            ("Desinfektion", [("Desinfektionsmittel, 1 Liter", 9.5), ("Flächendesinfektion, 5 Liter", 34.0)]),
            ("Abfall", [("Müllbeutel 120 l, 250 Stück", 38.0), ("Mülleimer mit Deckel", 45.0)]),
            ("Reinigungsmittel", [("Allzweckreiniger, 10 Liter", 27.9), ("Glasreiniger, 6 Flaschen", 19.5)]),
        ],
    ),
    (
        "Kaffee & Küche",
        [
            ("Kaffee", [("Kaffeebohnen, 1 kg", 18.9), ("Espresso, 1 kg", 21.5)]),
            ("Kaffeemaschinen", [("Kaffeevollautomat", 1290.0), ("Filterkaffeemaschine", 89.0)]),
            ("Milch & Zucker", [("Milch H, 12 Liter", 13.2), ("Würfelzucker, 3 kg", 8.9)]),
            ("Geschirr", [("Tassen, 12 Stück", 29.0), ("Gläser, 12 Stück", 24.0)]),
            ("Tee & Getränke", [("Tee, 100 Beutel", 9.9), ("Mineralwasser, 12 Flaschen", 7.8)]),
        ],
    ),
    (
        "Verpackung & Versand",
        [
            ("Kartons", [("Versandkartons, 50 Stück", 44.0), ("Archivkartons, 20 Stück", 39.0)]),
            ("Klebebänder", [("Packband, 36 Rollen", 54.0), ("Packbandabroller", 15.9)]),
            ("Polstermaterial", [("Luftpolsterfolie, Rolle", 29.9), ("Füllchips, 400 Liter", 34.5)]),
            ("Etiketten", [("Etiketten, 1000 Stück", 21.5), ("Adressetiketten, 2400 Stück", 18.9)]),
            ("Versandtaschen", [("Luftpolstertaschen, 100 Stück", 26.9), ("Versandbeutel, 100 Stück", 19.9)]),
        ],
    ),
    (
        "Beleuchtung",
        [
            ("Stehleuchten", [("LED-Stehleuchte", 249.0), ("LED-Stehleuchte mit Sensor", 389.0)]),
            ("Leuchtmittel", [("LED-Röhre, 10 Stück", 69.0), ("LED-Lampe E27, 10 Stück", 39.0)]),
            ("Tischleuchten", [("Schreibtischleuchte", 79.0), ("Tischleuchte dimmbar", 99.0)]),
            ("Deckenleuchten", [("LED-Panel 62 x 62", 119.0), ("Deckenleuchte rund", 89.0)]),
            ("Notbeleuchtung", [("Notleuchte", 149.0), ("Fluchtwegschild beleuchtet", 129.0)]),
        ],
    ),
    (
        "Ergonomie",
        [
            ("Fußstützen", [("Fußstütze", 39.0), ("Fußstütze verstellbar", 59.0)]),
            ("Monitorhalter", [("Monitorarm", 119.0), ("Doppel-Monitorarm", 179.0)]),
            ("Stehhilfen", [("Stehmatte", 69.0), ("Stehhocker", 149.0)]),
            ("Handauflagen", [("Handgelenkauflage", 14.9), ("Mauspad mit Handauflage", 19.9)]),
            ("Notebookständer", [("Notebookständer", 49.0), ("Dokumentenhalter", 29.0)]),
        ],
    ),
)

AREA_CODES = (
    "30",
    "40",
    "89",
    "221",
    "69",
    "711",
    "211",
    "351",
    "341",
    "511",
    "911",
    "421",
    "231",
    "201",
    "621",
    "561",
    "761",
    "371",
    "391",
    "431",
    "6221",
    "5251",
)
FREEMAIL = ("web.de", "gmx.de", "t-online.de", "gmail.com", "outlook.de", "freenet.de")


@dataclass
class DemoData:
    customers: pd.DataFrame  # one row per customer (company or private person) and per duplicate
    contacts: pd.DataFrame  # contact persons of company customers
    categories: pd.DataFrame  # product categories
    products: pd.DataFrame
    invoices: pd.DataFrame  # out_invoice / out_refund headers
    lines: pd.DataFrame  # invoice lines
    duplicates: pd.DataFrame  # true pairs: duplicate key, original key, what was changed

    @property
    def partner_count(self):
        return len(self.customers) + len(self.contacts)


# ------------------------------------------------------------------ helpers


def _fold(text):
    return (
        text.replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("Ä", "Ae")
        .replace("Ö", "Oe")
        .replace("Ü", "Ue")
        .replace("ß", "ss")
    )


def _slug(text):
    keep = "".join(c if c.isalnum() else "-" for c in _fold(text).lower())
    return "-".join(part for part in keep.split("-") if part)[:30] or "firma"


def format_phone(e164_national, style):
    """Write a German number (``area``, ``subscriber``) in one of the formats
    found in real address books. Returns the text."""
    area, number = e164_national
    if style == 0:
        return f"0{area} {number}"
    if style == 1:
        return f"+49 {area} {number}"
    if style == 2:
        return f"(0{area}) {number[:-4]} {number[-4:-2]} {number[-2:]}".replace("  ", " ")
    if style == 3:
        return f"0{area}/{number}"
    if style == 4:
        return f"+49 (0){area} {number[:-3]}-{number[-3:]}"
    return f"0049{area}{number}"


PHONE_STYLES = 6


def e164(area, number):
    return f"+49{area}{number}"


class _Pools:
    """Names, streets and cities drawn once from Faker's de_DE locale."""

    def __init__(self, seed, size):
        try:
            from faker import Faker  # noqa: PLC0415 - only the demo generator needs it
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise RuntimeError("The demo data generator needs the Python package 'Faker' (pip install Faker)") from exc
        fake = Faker("de_DE")
        fake.seed_instance(seed)
        self.last = np.array([fake.last_name() for _ in range(size)])
        self.first_f = np.array([fake.first_name_female() for _ in range(size)])
        self.first_m = np.array([fake.first_name_male() for _ in range(size)])
        self.street = np.array([fake.street_name() for _ in range(size)])
        self.city = np.array([fake.city() for _ in range(size)])
        # German PLZ run from 01001 to 99998; Faker also draws unused 00xxx
        self.postcode = np.array([f"{int(fake.postcode()) % 98997 + 1001:05d}" for _ in range(size)])


# ----------------------------------------------------------------- generate


def generate(partners=2000, invoice_lines=None, seed=42, today=None, months=24):
    """Build the demo data set.

    :param partners: total number of partners (customers, contact persons
        and injected duplicates together), at least 20
    :param invoice_lines: number of invoice product lines (default ten per
        partner); credit note lines come on top
    :param seed: everything follows from it
    :param today: last possible invoice date (default: today)
    :param months: length of the invoiced history
    """
    if partners < 20:
        raise ValueError("partners must be at least 20")
    invoice_lines = LINES_PER_PARTNER * partners if invoice_lines is None else invoice_lines
    if invoice_lines < 1:
        raise ValueError("invoice_lines must be positive")
    today = pd.Timestamp(today or datetime.date.today()).normalize()
    start = today - pd.DateOffset(months=months) + pd.Timedelta(days=1)
    rng = np.random.default_rng(seed)
    pools = _Pools(seed, min(max(partners // 4, 200), 5000))

    n_dup = max(1, round(partners * 0.05))
    rest = partners - n_dup
    n_companies = round(rest * 0.42)
    n_contacts = round(rest * 0.40)
    n_private = rest - n_companies - n_contacts
    # the line budget: duplicates' own lines and one line per credit note included
    dup_lines = min(2 * n_dup, invoice_lines // 10)
    refund_lines = min(max(1, round(invoice_lines * 0.01)), invoice_lines // 10)
    main_lines = invoice_lines - dup_lines - refund_lines

    customers = _customers(rng, pools, n_companies, n_private, start, today)
    contacts = _contacts(rng, pools, customers, n_contacts)
    categories, products = _catalogue()
    _interests(rng, customers, len(CATEGORIES))
    invoices, lines = _invoices(rng, customers, products, main_lines, start, today)
    dup_rows, duplicates = _duplicates(rng, customers, n_dup)
    customers = pd.concat([customers, dup_rows], ignore_index=True)
    dup_invoices, dup_lines_frame = _invoices(
        rng, dup_rows, products, dup_lines, start, today, first_invoice=len(invoices)
    )
    invoices = pd.concat([invoices, dup_invoices], ignore_index=True)
    lines = pd.concat([lines, dup_lines_frame], ignore_index=True)
    invoices, lines = _refunds(rng, invoices, lines, today, refund_lines + (main_lines + dup_lines - len(lines)))
    invoices["partner_key"] = _addressees(rng, invoices, contacts)
    lines = _plant_losses(seed, customers, invoices, lines)
    invoices, lines = _plant_portfolio(seed, customers, invoices, lines, today)
    return DemoData(customers, contacts, categories, products, invoices, lines, duplicates)


def _plant_portfolio(seed, customers, invoices, lines, today):
    """Shape about PORTFOLIO_SHARE of the customers for each field of the
    portfolio (``customers.planted_field``), from customers without credit
    notes, who do not stop buying and are not planted otherwise: stars from
    the 15 % who spent most, with eight invoices or more (kept as they
    are); cash cows from the half who spent least, with six or more (one
    piece a line); question marks from those with one invoice (dated in the
    last six weeks, 25 times the quantity); poor dogs from the 40 % who
    spent least, with two (one dated 14-20 months ago, one 9-11 months
    ago, one piece a line). Dates and quantities change, the numbers of
    invoices and lines do not; a random stream of its own."""
    rng = np.random.default_rng(seed + 23)
    customers["planted_field"] = ""
    sales = invoices[invoices["move_type"] == "out_invoice"]
    counts = sales.groupby("customer_key").size()
    refunded = set(invoices.loc[invoices["move_type"] == "out_refund", "customer_key"])
    free = customers[
        (customers["duplicate_of"].fillna("") == "")
        & ~customers["sold_at_a_loss"]
        & (customers["churn_days_before_today"] < 0)
        & ~customers["key"].isin(refunded)
    ]
    count = counts.reindex(free["key"]).fillna(0).to_numpy()
    amount = lines["quantity"] * lines["price_unit"]
    spent = amount.groupby(lines["invoice_key"].map(sales.set_index("key")["customer_key"])).sum()
    revenue = spent.reindex(free["key"]).fillna(0.0).to_numpy()
    buying = revenue[count > 0]
    per_field = max(3, round(PORTFOLIO_SHARE * (customers["duplicate_of"].fillna("") == "").sum()))
    pools = {
        "star": (count >= 8) & (revenue >= np.quantile(buying, 0.85)),
        "cash_cow": (count >= 6) & (revenue < np.quantile(buying, 0.5)),
        "question": count == 1,
        "poor": (count == 2) & (revenue < np.quantile(buying, 0.4)),
    }
    taken = np.zeros(len(free), dtype=bool)
    invoices, lines = invoices.copy(), lines.copy()
    for field, pool in pools.items():
        options = np.flatnonzero(pool & ~taken)
        chosen = rng.choice(options, size=min(per_field, len(options)), replace=False)
        taken[chosen] = True
        keys = set(free["key"].to_numpy()[chosen])
        customers.loc[customers["key"].isin(keys), "planted_field"] = field
        mine = invoices["customer_key"].isin(keys)
        theirs = lines["invoice_key"].isin(set(invoices.loc[mine, "key"]))
        if field == "question":
            days = rng.integers(7, 42, size=int(mine.sum()))
            lines.loc[theirs, "quantity"] = lines.loc[theirs, "quantity"] * 25
        elif field == "poor":
            # one order 14-20 months ago, one 9-11 months ago: no growth, no rhythm kept
            first = invoices.loc[mine].groupby("customer_key").cumcount().to_numpy() == 0
            days = np.where(first, rng.integers(430, 600, size=len(first)), rng.integers(270, 330, size=len(first)))
            lines.loc[theirs, "quantity"] = 1.0
        elif field == "cash_cow":
            lines.loc[theirs, "quantity"] = 1.0
            continue
        else:
            continue
        invoices.loc[mine, "invoice_date"] = (today - pd.to_timedelta(days, unit="D")).date
    return invoices, lines


def _plant_losses(seed, customers, invoices, lines):
    """Mark about LOSS_SHARE of the customers (not the injected duplicates)
    as buying at a loss and cut the prices of all their lines (credit notes
    included) by LOSS_CUT. A random stream of its own, so that everything
    else the seed makes stays as it was."""
    rng = np.random.default_rng(seed + 22)
    original = customers["duplicate_of"].fillna("") == ""
    customers["sold_at_a_loss"] = original & (rng.random(len(customers)) < LOSS_SHARE)
    losing = set(customers.loc[customers["sold_at_a_loss"], "key"])
    cut = lines["invoice_key"].map(invoices.set_index("key")["customer_key"]).isin(losing)
    lines = lines.copy()
    lines.loc[cut, "price_unit"] = np.round(lines.loc[cut, "price_unit"] * (1 - LOSS_CUT), 2)
    return lines


def _customers(rng, pools, n_companies, n_private, start, today):
    n = n_companies + n_private
    is_company = np.zeros(n, dtype=bool)
    is_company[:n_companies] = True
    rng.shuffle(is_company)

    forms = np.array([f for f, _, _ in LEGAL_FORMS], dtype=object)
    shares = np.array([s for _, s, _ in LEGAL_FORMS])
    form = forms[rng.choice(len(forms), size=n, p=shares / shares.sum())]
    last = pools.last[rng.integers(len(pools.last), size=n)]
    last2 = pools.last[rng.integers(len(pools.last), size=n)]
    trade = np.array(TRADES, dtype=object)[rng.integers(len(TRADES), size=n)]
    city = pools.city[rng.integers(len(pools.city), size=n)]
    pattern = rng.integers(4, size=n)
    female = rng.random(n) < 0.5
    first = np.where(
        female,
        pools.first_f[rng.integers(len(pools.first_f), size=n)],
        pools.first_m[rng.integers(len(pools.first_m), size=n)],
    )

    names, emails, websites = [], [], []
    for i in range(n):
        if is_company[i]:
            base = (
                f"{last[i]} {trade[i]}",
                f"{last[i]} & {last2[i]}",
                f"{trade[i]} {city[i].split()[0]}",
                f"{first[i]} {last[i]}",
            )[pattern[i]]
            name = f"{base} {form[i]}"
            domain = f"{_slug(base)}.de"
            websites.append(f"https://www.{domain}" if rng.random() < 0.8 else "")
            emails.append(f"{('info', 'kontakt', 'buero', 'service')[i % 4]}@{domain}")
        else:
            name = f"{first[i]} {last[i]}"
            websites.append("")
            emails.append(f"{_slug(first[i])}.{_slug(last[i])}{i % 97}@{FREEMAIL[i % len(FREEMAIL)]}")
        names.append(name)

    street = pools.street[rng.integers(len(pools.street), size=n)]
    # real address books mix "Straße" and "Str."
    short = rng.random(n) < 0.25
    street = np.array(
        [s.replace("straße", "str.").replace("Straße", "Str.") if k else s for s, k in zip(street, short)], dtype=object
    )
    house = rng.integers(1, 180, size=n).astype(str)
    suffix = rng.random(n) < 0.08
    house = np.where(suffix, np.char.add(house, np.array(list("abc"))[rng.integers(3, size=n)]), house)
    area = np.array(AREA_CODES, dtype=object)[rng.integers(len(AREA_CODES), size=n)]
    subscriber = [str(x) for x in rng.integers(10**5, 10**8, size=n)]
    style = rng.integers(PHONE_STYLES, size=n)
    has_phone = rng.random(n) < 0.9
    has_email = rng.random(n) < 0.92
    # customer since: up to 15 years back; some only within the period
    since_days = rng.integers(0, 15 * 365, size=n)
    customer_since = today - pd.to_timedelta(since_days, unit="D")

    weight = rng.pareto(PARETO_SHAPE, size=n) + 1.0
    churn_at = np.where(rng.random(n) < 0.15, rng.integers(90, max(91, (today - start).days - 60), size=n), -1)
    birthdate = pd.Timestamp("1945-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365, size=n), unit="D")

    return pd.DataFrame(
        {
            "key": [f"C{i:07d}" for i in range(n)],
            "is_company": is_company,
            "name": names,
            "legal_form": np.where(is_company, form, ""),
            "street": [f"{s} {h}" for s, h in zip(street, house)],
            "zip": pools.postcode[rng.integers(len(pools.postcode), size=n)],
            "city": city,
            "phone": [format_phone((a, s), st) if p else "" for a, s, st, p in zip(area, subscriber, style, has_phone)],
            "phone_e164": [e164(a, s) if p else "" for a, s, p in zip(area, subscriber, has_phone)],
            "email": np.where(has_email, np.array(emails, dtype=object), ""),
            "website": websites,
            "birthdate": np.where(is_company, pd.NaT, birthdate),
            "customer_since": customer_since.date,
            "weight": weight,
            "churn_days_before_today": churn_at,
            "duplicate_of": "",
        }
    )


def _contacts(rng, pools, customers, n_contacts):
    companies = customers.index[customers["is_company"]].to_numpy()
    if n_contacts == 0 or len(companies) == 0:
        return pd.DataFrame(
            columns=["key", "parent_key", "name", "function", "email", "phone", "phone_e164", "birthdate"]
        )
    parent = companies[rng.integers(len(companies), size=n_contacts)]
    female = rng.random(n_contacts) < 0.5
    first = np.where(
        female,
        pools.first_f[rng.integers(len(pools.first_f), size=n_contacts)],
        pools.first_m[rng.integers(len(pools.first_m), size=n_contacts)],
    )
    last = pools.last[rng.integers(len(pools.last), size=n_contacts)]
    functions = np.array(
        ["Geschäftsführung", "Einkauf", "Buchhaltung", "Assistenz", "Vertrieb", "Inhaber"], dtype=object
    )
    domain = customers["website"].str.replace("https://www.", "", regex=False).to_numpy()
    area = np.array(AREA_CODES, dtype=object)[rng.integers(len(AREA_CODES), size=n_contacts)]
    subscriber = [str(x) for x in rng.integers(10**5, 10**8, size=n_contacts)]
    style = rng.integers(PHONE_STYLES, size=n_contacts)
    emails = [f"{_slug(f)[:1]}.{_slug(l)}@{domain[p]}" if domain[p] else "" for f, l, p in zip(first, last, parent)]
    birthdate = pd.Timestamp("1955-01-01") + pd.to_timedelta(rng.integers(0, 45 * 365, size=n_contacts), unit="D")
    return pd.DataFrame(
        {
            "key": [f"P{i:07d}" for i in range(n_contacts)],
            "parent_key": customers["key"].to_numpy()[parent],
            "name": [f"{f} {l}" for f, l in zip(first, last)],
            "function": functions[rng.integers(len(functions), size=n_contacts)],
            "email": emails,
            "phone": [format_phone((a, s), st) for a, s, st in zip(area, subscriber, style)],
            "phone_e164": [e164(a, s) for a, s in zip(area, subscriber)],
            "birthdate": np.where(rng.random(n_contacts) < 0.6, birthdate, pd.NaT),
        }
    )


def _catalogue():
    """Two levels of categories (main K00..K09, subcategories K00S0..) and
    the products, each in a subcategory; ``category`` is the index of the
    main category (what the interest profiles are planted on)."""
    categories, rows = [], []
    for c, (main, subcategories) in enumerate(CATEGORIES):
        categories.append({"key": f"K{c:02d}", "name": main, "parent_key": None})
        for s, (sub, items) in enumerate(subcategories):
            sub_key = f"K{c:02d}S{s}"
            categories.append({"key": sub_key, "name": sub, "parent_key": f"K{c:02d}"})
            for p, (name, price) in enumerate(items):
                rows.append(
                    {
                        "key": f"A{c:02d}{s}{p}",
                        "name": name,
                        "category_key": sub_key,
                        "category": c,
                        "list_price": price,
                        "cost": round(price * (1 - MAIN_MARGINS[c]), 2),
                    }
                )
    return pd.DataFrame(categories), pd.DataFrame(rows)


def _interests(rng, customers, n_categories):
    """Plant an interest profile: 1-3 dominant categories per customer."""
    n = len(customers)
    archetypes = rng.integers(n_categories, size=(n, 3))
    k = rng.choice([1, 2, 3], size=n, p=[0.4, 0.4, 0.2])
    profile = np.full((n, n_categories), 0.02)
    for j in range(3):
        active = k > j
        profile[np.arange(n)[active], archetypes[active, j]] += (1.0, 0.6, 0.4)[j]
    profile /= profile.sum(axis=1, keepdims=True)
    customers["profile"] = list(profile)
    customers["main_category"] = archetypes[:, 0]


def _invoice_dates(rng, counts, first_day, last_day):
    """Dates for ``counts[i]`` invoices of customer i between its first and
    last day: a rhythm (regular spacing) with jitter."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    span = (last_day - first_day).astype("int64")
    phase = rng.random(len(counts))
    frac = (pos + phase[owner]) / np.maximum(counts[owner], 1)
    jitter = rng.normal(0, 0.25, size=total) / np.maximum(counts[owner], 1)
    frac = frac + jitter
    # reflect at both ends rather than clip, so no date gathers the overflow
    frac = np.abs(frac)
    frac = np.where(frac > 1, 2 - frac, frac)
    frac = np.clip(frac, 0, 1)
    return first_day[owner] + np.round(frac * span[owner]).astype("int64"), owner


def _invoices(rng, customers, products, n_lines, start, today, key_prefix="I", first_invoice=0):
    n = len(customers)
    weight = customers["weight"].to_numpy()
    # lines per customer ~ sqrt(weight): big customers buy more often and more per line
    share = np.sqrt(weight)
    line_counts = rng.multinomial(n_lines, share / share.sum()) if n else np.zeros(0, dtype=int)
    lines_per_invoice = rng.integers(1, 6, size=n)
    invoice_counts = np.ceil(line_counts / lines_per_invoice).astype(int)
    horizon = (today - start).days
    first_day = np.zeros(n, dtype="int64")
    churn = customers["churn_days_before_today"].to_numpy()
    last_day = np.where(churn > 0, horizon - churn, horizon).astype("int64")
    dates, owner = _invoice_dates(rng, invoice_counts, first_day, last_day)
    n_inv = len(owner)
    # distribute each customer's lines over its invoices
    inv_start = np.cumsum(invoice_counts) - invoice_counts
    line_owner = np.repeat(np.arange(n), line_counts)
    line_pos = np.arange(int(line_counts.sum())) - np.repeat(np.cumsum(line_counts) - line_counts, line_counts)
    line_invoice = inv_start[line_owner] + line_pos % np.maximum(invoice_counts[line_owner], 1)

    # product choice follows the customer's interest profile
    profile = np.stack(customers["profile"].to_numpy()) if n else np.zeros((0, 1))
    cum = profile.cumsum(axis=1)
    u = rng.random(len(line_owner))
    category = (u[:, None] > cum[line_owner]).sum(axis=1)
    by_cat = products.groupby("category").indices
    offsets = np.array([by_cat[c][0] for c in range(len(by_cat))])
    sizes = np.array([len(by_cat[c]) for c in range(len(by_cat))])
    product_idx = offsets[category] + (rng.random(len(line_owner)) * sizes[category]).astype(int)
    price = products["list_price"].to_numpy()[product_idx]
    # quantity scales with the customer's size
    scale = np.sqrt(weight)[line_owner]
    quantity = np.maximum(1, np.round(rng.gamma(2.0, scale)).astype(int))
    # negotiated prices: up to 15 % below list, rounded to cents
    price_unit = np.round(price * (1 - rng.random(len(line_owner)) * 0.15), 2)

    invoice_keys = np.array([f"{key_prefix}{i + first_invoice:08d}" for i in range(n_inv)], dtype=object)
    invoices = pd.DataFrame(
        {
            "key": invoice_keys,
            "customer_key": customers["key"].to_numpy()[owner] if n_inv else [],
            "move_type": "out_invoice",
            "invoice_date": (start + pd.to_timedelta(dates, unit="D")).date if n_inv else [],
            "reversed_key": "",
        }
    )
    lines = pd.DataFrame(
        {
            "invoice_key": invoice_keys[line_invoice] if len(line_invoice) else [],
            "product_key": products["key"].to_numpy()[product_idx],
            "quantity": quantity.astype(float),
            "price_unit": price_unit,
        }
    )
    # drop invoices that received no line (ceil rounding)
    invoices = invoices[invoices["key"].isin(set(lines["invoice_key"]))].reset_index(drop=True)
    return invoices, lines


def _perturb(rng, row):
    """Return a changed copy of a customer row and what was changed."""
    row = row.copy()
    changes = []
    name = row["name"]
    choices = rng.permutation(["typo", "transpose", "umlaut", "legal", "street", "phone", "email", "case"])
    for change in choices[: rng.integers(1, 4)]:
        if change == "typo" and len(name) > 6:
            i = int(rng.integers(1, len(name) - 1))
            if name[i].isalpha():
                letters = [c for c in "abcdefghiklmnoprstuvwz" if c != name[i].lower()]
                name = name[:i] + letters[int(rng.integers(len(letters)))] + name[i + 1 :]
                changes.append("typo")
        elif change == "transpose" and len(name) > 6:
            i = int(rng.integers(1, len(name) - 2))
            if name[i].isalpha() and name[i + 1].isalpha() and name[i] != name[i + 1]:
                name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
                changes.append("transposed letters")
        elif change == "umlaut":
            folded = _fold(name)
            if folded != name:
                name = folded
                changes.append("ä/ae")
            elif "ae" in name or "oe" in name or "ue" in name:
                name = name.replace("ae", "ä", 1).replace("oe", "ö", 1).replace("ue", "ü", 1)
                changes.append("ae/ä")
            elif "ss" in row["street"] or "ß" in row["street"]:
                row["street"] = (
                    row["street"].replace("ß", "ss") if "ß" in row["street"] else row["street"].replace("ss", "ß", 1)
                )
                changes.append("ß/ss")
        elif change == "legal" and row["legal_form"]:
            variants = next(v for f, _, v in LEGAL_FORMS if f == row["legal_form"])
            variant = variants[int(rng.integers(len(variants)))]
            if name.endswith(row["legal_form"]):
                name = name[: -len(row["legal_form"])] + variant
                changes.append(f"{row['legal_form']} vs {variant}")
        elif change == "street":
            street = row["street"]
            if "Str." in street or "str." in street:
                row["street"] = street.replace("Str.", "Straße").replace("str.", "straße")
            elif "straße" in street or "Straße" in street:
                row["street"] = street.replace("straße", "str.").replace("Straße", "Str.")
            else:
                continue
            changes.append("Str. vs Straße")
        elif change == "phone" and row["phone_e164"]:
            national = row["phone_e164"][3:]
            area = next(a for a in sorted(AREA_CODES, key=len, reverse=True) if national.startswith(a))
            styles = [s for s in range(PHONE_STYLES) if format_phone((area, national[len(area) :]), s) != row["phone"]]
            row["phone"] = format_phone((area, national[len(area) :]), styles[int(rng.integers(len(styles)))])
            changes.append("+49 vs 0 phone")
        elif change == "email" and row["email"]:
            row["email"] = ""
            changes.append("missing email")
        elif change == "case":
            name = name.upper() if rng.random() < 0.5 else name.lower()
            changes.append("case")
    if not changes:
        row["street"] = row["street"] + " "
        name = name.replace(" ", "  ", 1)
        changes.append("spacing")
    row["name"] = name
    return row, changes


def _duplicates(rng, customers, n_dup):
    originals = rng.choice(len(customers), size=min(n_dup, len(customers)), replace=False)
    rows, pairs = [], []
    for j, i in enumerate(originals):
        row, changes = _perturb(rng, customers.iloc[i])
        row["key"] = f"D{j:07d}"
        row["duplicate_of"] = customers["key"].iloc[i]
        # the duplicate was created recently and got a small share of business
        row["weight"] = row["weight"] * 0.1
        rows.append(row)
        pairs.append({"duplicate_key": row["key"], "original_key": row["duplicate_of"], "changes": ", ".join(changes)})
    return pd.DataFrame(rows).reset_index(drop=True), pd.DataFrame(pairs)


def _refunds(rng, invoices, lines, today, count):
    """``count`` credit notes, each for part of the first line of a random
    invoice, a few days after it (never after today)."""
    count = min(count, len(invoices))
    if count <= 0:
        return invoices, lines
    chosen = invoices.iloc[np.sort(rng.choice(len(invoices), size=count, replace=False))]
    date = pd.to_datetime(chosen["invoice_date"]) + pd.to_timedelta(rng.integers(2, 30, size=count), unit="D")
    date = date.where(date <= today, today)
    refunds = pd.DataFrame(
        {
            "key": ["R" + k[1:] for k in chosen["key"]],
            "customer_key": chosen["customer_key"].to_numpy(),
            "move_type": "out_refund",
            "invoice_date": date.dt.date.to_numpy(),
            "reversed_key": chosen["key"].to_numpy(),
        }
    )
    first = lines[lines["invoice_key"].isin(set(chosen["key"]))].groupby("invoice_key", sort=False).head(1)
    refund_lines = first.assign(
        invoice_key="R" + first["invoice_key"].str[1:],
        quantity=np.maximum(1, np.floor(first["quantity"].to_numpy() * rng.uniform(0.2, 1.0, size=len(first)))),
    )
    invoices = pd.concat([invoices, refunds], ignore_index=True)
    lines = pd.concat([lines, refund_lines], ignore_index=True)
    return invoices, lines


def _addressees(rng, invoices, contacts):
    """A quarter of a company's invoices go to one of its contact persons
    (the commercial partner stays the company)."""
    partner = invoices["customer_key"].to_numpy().copy()
    if contacts.empty:
        return partner
    by_parent = contacts.groupby("parent_key")["key"].agg(list)
    has = invoices["customer_key"].isin(by_parent.index).to_numpy() & (rng.random(len(invoices)) < 0.25)
    pick = rng.random(len(invoices))
    for i in np.flatnonzero(has):
        options = by_parent[partner[i]]
        partner[i] = options[int(pick[i] * len(options))]
    return partner


def revenue_by_customer(data):
    """Untaxed revenue per customer key (credit notes subtracted)."""
    amount = data.lines["quantity"] * data.lines["price_unit"]
    sign = data.invoices.set_index("key")["move_type"].map({"out_invoice": 1.0, "out_refund": -1.0})
    signed = amount * data.lines["invoice_key"].map(sign).to_numpy()
    customer = data.lines["invoice_key"].map(data.invoices.set_index("key")["customer_key"])
    return signed.groupby(customer.to_numpy()).sum()


def transactions(data, contacts_roll_up=True):
    """The demo invoices as the engine's transactions table: one row per
    line, customer key (the commercial partner), date, signed amount,
    category and document key."""
    invoices = data.invoices.set_index("key")
    sign = invoices["move_type"].map({"out_invoice": 1.0, "out_refund": -1.0})
    product_category = data.products.set_index("key")["category"]
    keys = data.lines["invoice_key"]
    return pd.DataFrame(
        {
            "customer": keys.map(invoices["customer_key"]).to_numpy(),
            "date": pd.to_datetime(keys.map(invoices["invoice_date"])).to_numpy(),
            "amount": (data.lines["quantity"] * data.lines["price_unit"] * keys.map(sign)).to_numpy(),
            "category": data.lines["product_key"].map(product_category).to_numpy(),
            "document": keys.to_numpy(),
        }
    )


def weak_basket_mixes(customers, groups=4, categories=30, seed=0):
    """Purchase mixes with weak structure, as in real baskets where everyone
    buys the staples: each customer mixes its planted group's mix with one
    mix shared by all (30-80 % its group's). Returns ``(mixes, groups)``:
    customers x categories probabilities and the planted group of each."""
    rng = np.random.default_rng(seed)
    bases = rng.dirichlet(np.ones(categories) * 0.7, size=groups)
    planted = rng.integers(0, groups, customers)
    common = rng.dirichlet(np.ones(categories))
    mix = rng.uniform(0.3, 0.8, customers)[:, None]
    return mix * bases[planted] + (1 - mix) * common, planted
