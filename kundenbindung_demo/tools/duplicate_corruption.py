"""A second, independent corruption model of German customer records, to
test and benchmark duplicate detection.

:func:`generate` builds real-world entities (private persons, companies and
the contacts of companies), then, for about ``duplicate_share`` of them, one
to three extra records that each carry one to three corruptions (typos,
phonetic respellings, nicknames, a move, a marriage, missing fields,
formatting ...), and, with ``hard_negatives``, about 10 % extra records of
*other* entities that look alike (father and son, spouses, children,
colleagues, similarly named companies, branches). The column ``entity`` is
the truth: two records are duplicates exactly when they share it;
:func:`true_pairs` lists those pairs. ``kind`` says how a record was made.

It is deliberately built apart from ``demo_data`` (its own name tables,
address model and corruptions) so that a matcher tuned on one is measured on
the other. Deterministic from ``seed``; numpy and pandas only, never odoo.
"""

import datetime
import itertools
import re

import numpy as np
import pandas as pd

COLUMNS = {  # role -> column, for engine.duplicates.find_duplicates(frame, COLUMNS, ...)
    "company": "company",
    "given_name": "given_name",
    "family_name": "family_name",
    "street": "street",
    "house_number": "house_number",
    "street2": "street2",
    "postcode": "postcode",
    "city": "city",
    "phone": "phone",
    "mobile": "mobile",
    "email": "email",
    "website": "website",
    "vat": "vat",
    "birthdate": "birthdate",
    "is_company": "is_company",
    "parent": "parent",
    "country": "country",
}
# the corruptions of a duplicate, in the order they are applied (``kind``
# joins the applied ones with "+" in this order)
CORRUPTIONS = (
    "moved",
    "married",
    "double_name",
    "name_swap",
    "nickname",
    "initial",
    "phonetic",
    "birthdate",
    "format",
    "typo",
    "missing",
)
HARD_NEGATIVES = ("father_son", "spouse", "child", "colleague", "similar_company", "branch")
ORIGINAL = "original"
HARD_NEGATIVE_SHARE = 0.10

# ---------------------------------------------------------------------------
# tables

# city; first three digits of its postcodes; dialling code
_CITY_TABLE = """\
Berlin;101;030 Hamburg;200;040 München;803;089 Köln;506;0221 Frankfurt am Main;603;069
Stuttgart;701;0711 Düsseldorf;402;0211 Leipzig;041;0341 Dortmund;441;0231 Essen;451;0201
Bremen;281;0421 Dresden;010;0351 Hannover;301;0511 Nürnberg;904;0911 Duisburg;470;0203
Bochum;447;0234 Wuppertal;421;0202 Bielefeld;336;0521 Bonn;531;0228 Münster;481;0251
Mannheim;681;0621 Karlsruhe;761;0721 Augsburg;861;0821 Wiesbaden;651;0611 Mönchengladbach;410;02161
Gelsenkirchen;458;0209 Aachen;520;0241 Braunschweig;381;0531 Kiel;241;0431 Chemnitz;091;0371
Halle (Saale);061;0345 Magdeburg;391;0391 Freiburg im Breisgau;791;0761 Krefeld;478;02151 Mainz;551;06131
Lübeck;235;0451 Erfurt;990;0361 Oberhausen;460;0208 Rostock;180;0381 Kassel;341;0561
Hagen;580;02331 Potsdam;144;0331 Saarbrücken;661;0681 Hamm;590;02381 Ludwigshafen am Rhein;670;0621
Oldenburg;261;0441 Mülheim an der Ruhr;454;0208 Osnabrück;490;0541 Leverkusen;513;0214 Darmstadt;642;06151
Heidelberg;691;06221 Solingen;426;0212 Herne;446;02323 Neuss;414;02131 Regensburg;930;0941
Paderborn;330;05251 Ingolstadt;850;0841 Offenbach am Main;630;069 Würzburg;970;0931 Fürth;907;0911
Ulm;890;0731 Heilbronn;740;07131 Pforzheim;751;07231 Wolfsburg;384;05361 Göttingen;370;0551
Bottrop;462;02041 Reutlingen;727;07121 Koblenz;560;0261 Bremerhaven;275;0471 Recklinghausen;456;02361
Bergisch Gladbach;514;02202 Erlangen;910;09131 Jena;077;03641 Remscheid;428;02191 Trier;542;0651
Salzgitter;382;05341 Moers;474;02841 Siegen;570;0271 Hildesheim;311;05121 Cottbus;030;0355
Gütersloh;333;05241 Kaiserslautern;676;0631 Witten;584;02302 Hanau;634;06181 Schwerin;190;0385
Gera;075;0365 Esslingen am Neckar;737;0711 Ludwigsburg;716;07141 Iserlohn;586;02371 Düren;523;02421
Tübingen;720;07071 Zwickau;080;0375 Flensburg;249;0461 Gießen;353;0641 Ratingen;408;02102
Lünen;445;02306 Villingen-Schwenningen;780;07721 Konstanz;784;07531 Marl;457;02365 Worms;675;06241
Velbert;425;02051 Minden;324;0571 Dessau-Roßlau;068;0340 Neumünster;245;04321 Norderstedt;228;040
Delmenhorst;277;04221 Bamberg;960;0951 Viersen;417;02162 Marburg;350;06421 Rheine;484;05971
Wilhelmshaven;263;04421 Gladbeck;459;02043 Lüneburg;213;04131 Troisdorf;538;02241 Bayreuth;954;0921
Detmold;327;05231 Arnsberg;597;02931 Landshut;840;0871 Brandenburg an der Havel;147;03381 Bocholt;463;02871
Aschaffenburg;637;06021 Celle;292;05141 Kempten (Allgäu);874;0831 Fulda;360;0661 Aalen;734;07361
Lippstadt;595;02941 Dinslaken;465;02064 Kerpen;501;02237 Herford;320;05221 Rüsselsheim am Main;654;06142
Sindelfingen;710;07031 Weimar;994;03643 Plauen;085;03741 Neuwied;565;02631 Dormagen;415;02133
Rosenheim;830;08031 Grevenbroich;415;02181 Friedrichshafen;880;07541 Stralsund;184;03831 Greifswald;174;03834
Passau;940;0851 Freising;853;08161 Straubing;943;09421 Offenburg;776;0781 Göppingen;730;07161
Schwäbisch Gmünd;735;07171 Waiblingen;713;07151 Böblingen;710;07031 Baden-Baden;765;07221 Rastatt;764;07222
Lörrach;795;07621 Ravensburg;882;0751 Biberach an der Riß;884;07351 Heidenheim an der Brenz;895;07321 Kirchheim unter Teck;732;07021
Nürtingen;726;07022 Leonberg;712;07152 Backnang;715;07191 Schorndorf;736;07181 Fellbach;707;0711
Bietigheim-Bissingen;743;07142 Schwäbisch Hall;745;0791 Crailsheim;745;07951 Mosbach;748;06261 Bruchsal;766;07251
Weinheim;694;06201 Speyer;673;06232 Landau in der Pfalz;768;06341 Neustadt an der Weinstraße;674;06321 Pirmasens;669;06331
Zweibrücken;664;06332 Homburg;664;06841 Neunkirchen;665;06821 Idar-Oberstein;557;06781 Bad Kreuznach;555;0671
Limburg an der Lahn;655;06431 Wetzlar;355;06441 Bad Homburg vor der Höhe;613;06172 Friedberg (Hessen);611;06031 Bad Hersfeld;362;06621
Eschwege;372;05651 Goslar;386;05321 Wolfenbüttel;383;05331 Peine;312;05171 Hameln;317;05151
Nienburg/Weser;316;05021 Verden (Aller);272;04231 Stade;216;04141 Cuxhaven;274;04721 Emden;267;04921
Leer (Ostfriesland);267;0491 Aurich;266;04941 Lingen (Ems);498;0591 Nordhorn;485;05921 Meppen;497;05931
Vechta;493;04441 Cloppenburg;496;04471 Soest;594;02921 Unna;594;02303 Lüdenscheid;585;02351
Olpe;574;02761 Meschede;598;0291 Warendorf;482;02581 Ahlen;592;02382 Coesfeld;486;02541
Borken;463;02861 Wesel;464;0281 Kleve;475;02821 Euskirchen;538;02251 Siegburg;537;02241
Gummersbach;516;02261 Eisenach;998;03691 Gotha;998;03621 Suhl;985;03681 Nordhausen;997;03631
Mühlhausen/Thüringen;999;03601 Saalfeld/Saale;073;03671 Meißen;016;03521 Pirna;017;03501 Bautzen;026;03591
Görlitz;028;03581 Freiberg;095;03731 Riesa;015;03525 Torgau;048;03421 Lutherstadt Wittenberg;068;03491
Halberstadt;388;03941 Stendal;395;03931 Neubrandenburg;170;0395 Wismar;239;03841 Güstrow;182;03843
Frankfurt (Oder);152;0335 Eberswalde;162;03334 Oranienburg;165;03301 Neuruppin;168;03391 Husum;258;04841
Heide;257;0481 Itzehoe;255;04821 Elmshorn;253;04121 Pinneberg;254;04101 Bad Oldesloe;238;04531
Schleswig;248;04621 Rendsburg;247;04331 Eckernförde;243;04351 Garmisch-Partenkirchen;824;08821 Weilheim in Oberbayern;823;0881
Starnberg;823;08151 Dachau;852;08131 Erding;854;08122 Traunstein;832;0861 Altötting;845;08671
Deggendorf;944;0991 Cham;934;09971 Amberg;922;09621 Weiden in der Oberpfalz;926;0961 Hof;950;09281
Coburg;964;09561 Schweinfurt;974;09721 Kitzingen;973;09321 Ansbach;915;0981 Neumarkt in der Oberpfalz;923;09181
Memmingen;877;08331 Kaufbeuren;876;08341 Lindau (Bodensee);881;08382 Neu-Ulm;892;0731 Sigmaringen;724;07571"""
CITIES = tuple(
    tuple(entry.split(";")) for line in _CITY_TABLE.splitlines() for entry in re.split(r"(?<=\d) ", line.strip())
)
# bigger towns are home to more customers
_CITY_WEIGHTS = np.array([1.0 / (i + 8) ** 0.6 for i in range(len(CITIES))])
_CITY_WEIGHTS /= _CITY_WEIGHTS.sum()

_STREET_STEMS = (
    "Haupt Bahnhof Schul Kirch Garten Berg Wald Linden Birken Eichen Ahorn Buchen Tannen Rosen Tulpen Nelken "
    "Lilien Wiesen Feld Mühlen Brunnen Markt Burg Schloss Post Sonnen Stern Blumen Park Dorf Anger Kapellen "
    "Friedhof Kloster Schiller Goethe Lessing Uhland Mörike Hölderlin Kant Beethoven Mozart Bach Händel Brahms "
    "Bismarck Kaiser König Fürsten Grafen Luisen Wilhelm Friedrich Karl Ludwig Amsel Drossel Finken Lerchen "
    "Meisen Falken Hirsch Jahn Industrie Gewerbe Handwerker Hafen Kanal Brücken Tal Höhen Heide Moor See "
    "Weiher Quellen Erlen Weiden Pappel Kastanien Obstgarten Weinberg Kelter Zehnt Wall Graben Tor Zwinger"
).split()
_STREET_SUFFIXES = ("straße", "weg", "gasse", "platz", "allee", "ring", "damm", "steig", "ufer", "pfad")
_STREET_SUFFIX_P = np.array([55, 16, 4, 4, 4, 6, 3, 3, 2, 3], dtype=float) / 100
_STREET_ADJECTIVES = (
    "Berliner Hamburger Münchner Frankfurter Stuttgarter Kölner Dresdner Leipziger Bremer Nürnberger Augsburger "
    "Ulmer Mainzer Wormser Bonner Kasseler Heilbronner Karlsruher Freiburger Mannheimer Darmstädter Würzburger "
    "Regensburger Potsdamer Magdeburger Lübecker Kieler Rostocker Trierer Koblenzer Erfurter Weimarer Bamberger "
    "Bayreuther Landshuter Esslinger Tübinger Reutlinger Ludwigsburger Calwer Pforzheimer Alte Neue Lange Obere Untere"
).split()
_PERSON_STREETS = tuple(
    (
        "Konrad-Adenauer-Straße Friedrich-Ebert-Straße Willy-Brandt-Allee Theodor-Heuss-Ring Albert-Schweitzer-Weg "
        "Robert-Koch-Straße Max-Planck-Straße Gottlieb-Daimler-Straße Carl-Benz-Straße Rudolf-Diesel-Weg "
        "Otto-Hahn-Straße Heinrich-Heine-Platz Geschwister-Scholl-Straße Käthe-Kollwitz-Weg Martin-Luther-Straße "
        "Bertha-von-Suttner-Platz Rosa-Luxemburg-Straße Wilhelm-Busch-Weg Hans-Böckler-Straße Kurt-Schumacher-Ring "
        "Gustav-Stresemann-Ring Werner-von-Siemens-Straße Justus-von-Liebig-Straße Alexander-von-Humboldt-Allee "
        "Ludwig-Erhard-Allee Sophie-Scholl-Platz"
    ).split()
)
_PHRASE_STREETS = tuple(
    (
        "Am Markt;Am Bahnhof;An der Kirche;Im Winkel;Zur Mühle;Auf dem Berg;In den Gärten;Am Sportplatz;"
        "Hinter den Höfen;Unter den Linden;Am Stadtpark;Im Wiesengrund;Am Hang;Auf der Höhe;Am Mühlbach"
    ).split(";")
)
_PERSON_STREET2 = (
    "Hinterhaus",
    "2. OG",
    "Whg. 12",
    "Seitenflügel",
    "App. 4",
    "Dachgeschoss",
    "EG links",
    "3. OG rechts",
)
_COMPANY_STREET2 = ("Halle 3", "Gebäude B", "Gewerbegebiet Nord", "Tor 2", "Haus 2", "Eingang Rückseite", "Lager 1")

_MALE = (
    "Alexander Andreas Bernd Bernhard Christian Christoph Daniel David Dennis Dieter Dirk Dominik Felix Florian "
    "Frank Friedrich Georg Gerhard Günter Hans Hans-Peter Hans-Jürgen Harald Heinrich Heinz Helmut Holger Jan Jens "
    "Joachim Johannes Jonas Jörg Jürgen Karl Karl-Heinz Klaus Klaus-Dieter Kevin Lars Leon Lukas Manfred Marcel "
    "Marco Markus Martin Matthias Max Maximilian Michael Niklas Norbert Oliver Patrick Paul Peter Philipp Ralf "
    "Reinhard Robert Rolf Rudolf Sebastian Simon Stefan Stephan Sven Thomas Thorsten Tim Tobias Torsten Ulrich "
    "Uwe Volker Werner Wilhelm Wolfgang Carsten Elias Finn Noah Luca Ben Walter Carl Gabriel"
).split()
_FEMALE = (
    "Alexandra Andrea Angelika Anja Anna Anna-Lena Anke Barbara Birgit Brigitte Carina Christiane Christina "
    "Claudia Daniela Doris Elisabeth Emma Eva-Maria Franziska Gabriele Hannah Heike Helga Ingrid Jana Jessica "
    "Johanna Julia Jutta Karin Katharina Kathrin Kerstin Laura Lea Lena Lisa Lisa-Marie Manuela Maria Marie "
    "Marie-Luise Marion Martina Melanie Michaela Monika Nadine Nicole Petra Renate Sabine Sandra Sarah Silke "
    "Simone Sophie Stefanie Stephanie Susanne Tanja Ulrike Ursula Ute Vanessa Verena Paula Mia Clara Charlotte "
    "Greta Margarete Dorothea Christa Elke Gisela Karla Roberta Martina"
).split()
_FAMILY = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter Klein "
    "Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause "
    "Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz "
    "Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
    "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto "
    "Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn "
    "Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Hinrichs Janssen Petersen Hansen Jensen Gruber "
    "Wimmer Eder Kowalski Nowak Yilmaz Kaya Demir Öztürk Nguyen Seifert Kraft Dittrich Lindner Ebert Brinkmann "
    "Haase Marx Schütz Kessler Hübner Kramer Wiese Stahl Thiele Rausch Lenz Böttcher Ernst Schrader Nagel "
    "Reuter Wendt Mertens Funk Hauser Ahrens Kirchner Bock"
).split()
_FAMILY_WEIGHTS = np.array([1.0 / (i + 6) ** 0.8 for i in range(len(_FAMILY))])
_FAMILY_WEIGHTS /= _FAMILY_WEIGHTS.sum()
# double names that are one name with a space ("Schulze Wessel" -> "Schulze")
_SPACED_DOUBLE = tuple(
    (
        "Schulze Wessel;Schulze Pellengahr;Schulte Bisping;Meyer zu Erpen;Schulze Hobeling;Meyer zu Schwabedissen;"
        "Schulte Ostermann;Schulze Althoff"
    ).split(";")
)
# formal name: its short forms; both ways round below ("Hans" -> "Johannes")
_NICKNAMES = {
    formal.strip(): tuple(short.split())
    for formal, short in (
        item.split(":")
        for item in (
            "Johannes: Hans Johann Jo; Katharina: Kathrin Katja Kathi; Wolfgang: Wolf Wolfi; Alexander: Alex Sascha; "
            "Alexandra: Alex Sandra; Andreas: Andi Andy; Christian: Chris; Christoph: Chris; Christina: Tina Christine; "
            "Daniel: Dani; Daniela: Dani; Elisabeth: Lisa Elli Liesel Betty; Franziska: Franzi; Friedrich: Fritz; "
            "Gabriele: Gabi; Heinrich: Heinz Heini; Joachim: Achim; Bernhard: Bernd; Margarete: Grete Margit Gretel; "
            "Matthias: Matze Thias; Maximilian: Max; Michael: Micha Michi; Michaela: Micha Michi; Rudolf: Rudi; "
            "Sebastian: Basti; Stefanie: Steffi; Stephanie: Steffi; Susanne: Susi Sanne; Thomas: Tom Tommy; "
            "Tobias: Tobi; Ulrich: Uli; Ulrike: Uli Ulla; Wilhelm: Willi Wim; Barbara: Babsi Bärbel; Dorothea: Dora Thea; "
            "Manfred: Manni; Florian: Flo; Johanna: Hanna; Karl-Heinz: Kalle; Angelika: Angie; Jessica: Jessi; "
            "Gerhard: Gerd; Ursula: Uschi Ulla; Monika: Moni; Sabine: Bine; Nicole: Nicki; Patrick: Paddy"
        ).split(";")
    )
}
_NICKNAME_OF = dict(_NICKNAMES)
for _formal, _short in _NICKNAMES.items():
    for _name in _short:
        _NICKNAME_OF.setdefault(_name, ())
        _NICKNAME_OF[_name] = _NICKNAME_OF[_name] + (_formal,)

# spellings of one name that sound alike
_SOUND_ALIKE = tuple(
    group.split()
    for group in (
        "Meier Mayer Maier Meyer Mayr; Schmidt Schmitt Schmid Schmiedt; Müller Mueller Muller; "
        "Schneider Schnaider Schneyder; Fischer Vischer; Weber Webber; Wagner Wagener; Becker Bäcker Beker; "
        "Schulz Schultz; Hoffmann Hofmann Hoffman; Koch Kock; Klein Kleine Klain; Wolf Wolff Wulf; "
        "Schröder Schroeder Schröter; Neumann Naumann; Schwarz Schwartz; Zimmermann Zimmerman; "
        "Krüger Krueger Kröger; Hartmann Hartman; Lange Lang; Krause Kraus Krauß; Lehmann Lemann; "
        "Köhler Koehler Kohler; Herrmann Hermann; Walter Walther; Fuchs Fux; Vogel Fogel; Frank Franck Franke; "
        "Jäger Jaeger; Böhm Boehm Behm; Roth Rot; Beck Bek; Lorenz Lorentz; Baumann Bauman; Seidel Seidl Seydel; "
        "Graf Graff; Kaiser Keiser Kayser Keyser; Haas Haase Hase; Kühn Kuehn Kühne; Voigt Vogt Voight; "
        "Schumacher Schuhmacher; Groß Gross; Seifert Seiffert Seyfert; Brandt Brand Brant; Weiß Weiss Weis; "
        "Dietrich Dittrich Diederich; Kraft Krafft; Christoph Kristof Christof; Stefan Stephan; "
        "Philipp Filip Phillip; Matthias Mathias; Carsten Karsten; Karl Carl; Karla Carla; Klaus Claus; Ralf Ralph; "
        "Günter Günther; Thorsten Torsten; Sophie Sofie; Katharina Catharina Katarina; Kathrin Katrin Cathrin; "
        "Claudia Klaudia; Stefanie Stephanie; Helmut Helmuth Hellmut; Marco Marko; Markus Marcus; Nicole Nikole; "
        "Rudolf Rudolph; Jörg Joerg; Jürgen Juergen; Heike Haike; Dennis Denis; Elisabeth Elisabet; Sarah Sara; "
        "Hannah Hanna; Lukas Lucas; Niklas Niclas Nicklas; Tim Timm; Carina Karina; Clara Klara; Patrick Patrik; "
        "Dominik Dominic"
    ).split(";")
)
_SOUND_ALIKE_OF = {}
for _names in _SOUND_ALIKE:
    for _name in _names:
        _SOUND_ALIKE_OF[_name] = tuple(n for n in _names if n != _name)
# respelling rules for other names: (regex on the lower-case name, replacement)
_RESPELLINGS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        item.rsplit("=", 1)
        for item in (
            "ph=f (?<=[aeiouäöü])f(?!f)=ph th=t ^t(?=[aeiou])=th ck=k (?<=[aeiouäöü])k=ck tz=z (?<=[aeiouäöül])z=tz "
            "ie=i ä=ae ö=oe ü=ue ß=ss (?<=[^q])ae=ä oe=ö (?<=[^aeiouq])ue=ü ss$=ß dt=t ei=ai ai=ei ey=ei ay=ai "
            "^c=k ^k=c ff=f nn=n mm=m ll=l tt=t ^v=f x=chs chs=x y=i (?<=[aeiou])h(?=[lmnr])="
        ).split()
    )
)
# similar given names of different people (colleagues)
_SIMILAR_GIVEN = {}
for _pair in (
    "Jan/Jana Michael/Michaela Daniel/Daniela Christian/Christiane Christian/Christina Paul/Paula Andreas/Andrea "
    "Stefan/Stefanie Stephan/Stephanie Alexander/Alexandra Martin/Martina Simon/Simone Karl/Karla Robert/Roberta "
    "Ulrich/Ulrike Gabriel/Gabriele Jan/Jens Lena/Lea Anna/Anja Marco/Markus"
).split():
    _a, _b = _pair.split("/")
    _SIMILAR_GIVEN.setdefault(_a, []).append(_b)
    _SIMILAR_GIVEN.setdefault(_b, []).append(_a)

_BRANCHES = (
    "Bau Bäckerei Elektrotechnik Sanitär Heizungsbau Metallbau Holzbau Dachdeckerei Malerbetrieb Transporte "
    "Logistik Spedition Immobilien Steuerberatung Consulting IT-Service Software Maschinenbau Werkzeugbau Druckerei "
    "Gartenbau Landtechnik Fahrzeugtechnik Haustechnik Kältetechnik Feinmechanik Kunststofftechnik Medizintechnik "
    "Handel Getränkehandel Schreinerei Zimmerei Optik Gebäudereinigung Sicherheitsdienst Catering Reisen "
    "Verpackung Umwelttechnik Energie Solartechnik"
).split()
_SHOP_PREFIXES = (
    "Autohaus Bäckerei Metzgerei Blumen Optik Schreinerei Malermeister Friseursalon Elektro Sanitär Gaststätte "
    "Hotel Fahrschule Reisebüro Getränke Dachdecker Kfz-Werkstatt Zahnarztpraxis"
).split()
_FANTASY_STEMS = "Tec Inno Pro Data Medi Logi Euro Nord Süd Rhein Main Alpen Elb Neckar Isar Ruhr Hansa Baltic".split()
_FANTASY_TAILS = "tec vision con plan soft log med form tronic mobil werk haus bau net".split()
_LEGAL_FORMS = ("GmbH", "GmbH & Co. KG", "e.K.", "UG (haftungsbeschränkt)", "KG", "AG", "OHG", "GbR", "")
_LEGAL_P = np.array([40, 15, 9, 7, 6, 5, 4, 4, 10], dtype=float) / 100
_SHOP_LEGAL_P = np.array([20, 0, 30, 0, 0, 0, 5, 0, 45], dtype=float) / 100
_LEGAL_VARIANTS = {
    "GmbH": ("G.m.b.H.", "Gesellschaft mit beschränkter Haftung", "Gmbh", "GMBH", "mbH"),
    "GmbH & Co. KG": ("GmbH & Co KG", "GmbH u. Co. KG", "GmbH + Co. KG", "GmbH&Co.KG", "GmbH & Compagnie KG"),
    "AG": ("Aktiengesellschaft", "A.G."),
    "KG": ("Kommanditgesellschaft", "K.G."),
    "e.K.": ("e. K.", "eK", "e.Kfm.", "eingetragener Kaufmann"),
    "UG (haftungsbeschränkt)": ("UG", "UG (haftungsbeschraenkt)", "UG haftungsbeschränkt", "Unternehmergesellschaft"),
    "OHG": ("oHG", "o.H.G.", "offene Handelsgesellschaft"),
    "GbR": ("G.b.R.", "Gesellschaft bürgerlichen Rechts"),
}
_FREEMAIL = (
    "gmx.de web.de t-online.de gmail.com gmx.net yahoo.de outlook.de hotmail.de freenet.de posteo.de icloud.com "
    "online.de arcor.de"
).split()
_FREEMAIL_P = np.array([20, 20, 14, 14, 6, 5, 5, 4, 3, 2, 3, 2, 2], dtype=float)
_FREEMAIL_P /= _FREEMAIL_P.sum()
_COMPANY_MAILBOXES = ("info", "kontakt", "service", "mail", "office", "buero", "post", "zentrale")
_MOBILE_PREFIXES = {  # prefix: digits after it
    "0151": 8,
    "0152": 8,
    "0157": 8,
    "0160": 7,
    "0162": 7,
    "0163": 7,
    "0170": 7,
    "0171": 7,
    "0172": 7,
    "0173": 7,
    "0174": 7,
    "0175": 7,
    "0176": 8,
    "0177": 7,
    "0178": 7,
    "0179": 7,
}
_LANDLINE_STYLES = 9
_LANDLINE_STYLE_P = np.array([34, 14, 8, 8, 12, 5, 6, 3, 10], dtype=float) / 100
_MOBILE_STYLES = 8
_MOBILE_STYLE_P = np.array([36, 14, 8, 18, 5, 6, 8, 5], dtype=float) / 100

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

# keyboard neighbours (German QWERTZ) for substitutions
_KEY_ROWS = ("1234567890", "qwertzuiopü", "asdfghjklöä", "yxcvbnm")


def _keyboard():
    near = {}
    for r, row in enumerate(_KEY_ROWS):
        for i, key in enumerate(row):
            found = []
            for dr, di in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)):
                rr, ii = r + dr, i + di
                if 0 <= rr < len(_KEY_ROWS) and 0 <= ii < len(_KEY_ROWS[rr]):
                    found.append(_KEY_ROWS[rr][ii])
            near[key] = [k for k in found if k.isdigit() == key.isdigit()]
    # digits: the number row and the number pad
    pad = ("789", "456", "123", "0")
    for r, row in enumerate(pad):
        for i, key in enumerate(row):
            for dr, di in ((0, -1), (0, 1), (-1, 0), (1, 0)):
                rr, ii = r + dr, i + di
                if 0 <= rr < len(pad) and 0 <= ii < len(pad[rr]) and pad[rr][ii] not in near[key]:
                    near[key].append(pad[rr][ii])
    return {key: "".join(keys) for key, keys in near.items()}


_NEAR_KEYS = _keyboard()

# ---------------------------------------------------------------------------
# small helpers


def _pick(rng, seq, p=None):
    """One element of ``seq`` (a plain Python value, never a numpy scalar)."""
    if p is None:
        return seq[int(rng.integers(len(seq)))]
    return seq[int(rng.choice(len(seq), p=p))]


def _present(value):
    return isinstance(value, str) and value.strip() != ""


def _slug(text, sep="-"):
    text = text.translate(_FOLD).lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


def _same_case(replacement, original):
    if original[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


def _render_landline(area, sub, ext, style):
    """A fixed-line number in one of the usual German ways of writing it."""
    bare = area[1:]
    tail = f"-{ext}" if ext else ""
    if style == 0:
        return f"{area} {sub}{tail}"
    if style == 1:
        return f"{area}/{sub}{tail}"
    if style == 2:
        return f"{area}-{sub}{tail}"
    if style == 3:  # "(0711) 12 34 56-7"
        if ext:
            return f"({area}) {sub}{tail}"
        pairs = [sub[i : i + 2] for i in range(0, len(sub) - len(sub) % 2, 2)]
        return f"({area}) " + " ".join(pairs) + (f"-{sub[-1]}" if len(sub) % 2 else "")
    if style == 4:
        return f"+49 {bare} {sub}{tail}"
    if style == 5:
        return f"+49 (0){bare} {sub}{tail}"
    if style == 6:
        return f"{area}{sub}{tail}"
    if style == 7:
        return f"+49-{bare}-{sub}{tail}"
    return f"{area} {_din_groups(sub)}{tail}"


def _render_mobile(prefix, sub, style):
    bare = prefix[1:]
    if style == 0:
        return f"{prefix} {sub}"
    if style == 1:
        return f"{prefix}/{sub}"
    if style == 2:
        return f"{prefix}-{sub}"
    if style == 3:
        return f"+49 {bare} {sub}"
    if style == 4:
        return f"+49 (0){bare} {sub}"
    if style == 5:
        return f"{prefix}{sub}"
    if style == 6:
        return f"{prefix} {_din_groups(sub)}"
    return f"+49{bare}{sub}"


def _din_groups(sub):
    """ "1234567" -> "123 45 67" (groups of two from the right)."""
    if len(sub) <= 4:
        return sub
    head = sub[: len(sub) - 4]
    return f"{head} {sub[-4:-2]} {sub[-2:]}"


# ---------------------------------------------------------------------------
# typos


def _typo(rng, text, digits_only=False, skip=0):
    """``text`` with one insertion, deletion, keyboard-neighbour substitution
    or transposition (of digits only with ``digits_only``; the first ``skip``
    candidate positions are left alone). Returns ``text`` when no typo fits."""
    if digits_only:
        positions = [i for i, c in enumerate(text) if c.isdigit()][skip:]
    else:
        positions = [i for i, c in enumerate(text) if c.isalnum()][skip:]
    if not positions:
        return text
    for _attempt in range(8):
        op = _pick(rng, ("insert", "delete", "substitute", "transpose"), p=(0.2, 0.25, 0.35, 0.2))
        i = _pick(rng, positions)
        char = text[i]
        if op == "substitute":
            near = _NEAR_KEYS.get(char.lower(), "")
            if not near:
                continue
            new = _same_case(_pick(rng, near), char)
            out = text[:i] + new + text[i + 1 :]
        elif op == "delete":
            if len(positions) < 2 or len(text) < 3:
                continue
            out = text[:i] + text[i + 1 :]
        elif op == "insert":
            near = _NEAR_KEYS.get(char.lower(), "")
            extra = char.lower() if rng.random() < 0.5 or not near else _pick(rng, near)
            out = text[: i + 1] + extra + text[i + 1 :]
        else:
            if i + 1 not in positions or text[i] == text[i + 1]:
                continue
            out = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if out != text:
            return out
    return text


def _phone_typo(rng, text):
    # the country code and the trunk "0" stay
    skip = 2 if text.lstrip().startswith("+") else 1
    return _typo(rng, text, digits_only=True, skip=skip)


def _email_typo(rng, text):
    out = _typo(rng, text)
    return out if out.count("@") == 1 and not out.startswith("@") else text


def _sound_alike(rng, word):
    """Another spelling of ``word`` that sounds (nearly) the same, or None."""
    if word in _SOUND_ALIKE_OF:
        return _pick(rng, _SOUND_ALIKE_OF[word])
    lower = word.lower()
    if len(lower) != len(word):
        return None
    found = []
    for pattern, replacement in _RESPELLINGS:
        found.extend((m.start(), m.end(), replacement) for m in pattern.finditer(lower))
    if not found:
        return None
    start, end, replacement = _pick(rng, found)
    out = word[:start] + _same_case(replacement, word[start:end]) + word[end:]
    return out if out and out != word else None


def _can_respell(name):
    for word in re.split("[- ]", name):
        if word in _SOUND_ALIKE_OF:
            return True
        lower = word.lower()
        if len(word) > 1 and len(lower) == len(word) and any(p.search(lower) for p, _r in _RESPELLINGS):
            return True
    return False


def _respell_name(rng, name):
    """A sound-alike spelling of one part of a (double) name, or None."""
    parts = re.split(r"([- ])", name)
    words = [i for i in range(0, len(parts), 2) if len(parts[i]) > 1]
    for i in rng.permutation(words) if words else []:
        new = _sound_alike(rng, parts[int(i)])
        if new:
            parts[int(i)] = new
            return "".join(parts)
    return None


# ---------------------------------------------------------------------------
# entities


def _company_base(parts):
    """The company name without its legal form."""
    pattern = parts["pattern"]
    if pattern == "family_branch":
        return f"{parts['family']} {parts['branch']}"
    if pattern == "shop":
        return f"{parts['prefix']} {parts['family']}"
    if pattern == "partners":
        return f"{parts['family']} & {parts['family2']}"
    if pattern == "sons":
        return f"{parts['family']}{parts['tail']}"
    if pattern == "fantasy":
        return f"{parts['stem']}{parts['tail']}"
    return f"{parts['adjective']} {parts['branch']}"


class _Builder:
    """Holds the random stream, the records made so far and the values that
    must stay unique between entities (emails, phones, VAT numbers, web
    domains)."""

    def __init__(self, rng):
        self.rng = rng
        self.records = []
        self.entities = 0
        self.emails = set()
        self.phones = set()
        self.vats = set()
        self.domains = set()
        self.hard_negative_of = {}  # record position -> position of the record it mimics

    # -- values --------------------------------------------------------

    def new_entity(self):
        self.entities += 1
        return f"e{self.entities:06d}"

    def add(self, rec):
        rec["_key"] = len(self.records)
        self.records.append(rec)
        return rec

    def city(self, avoid=None):
        while True:
            idx = int(self.rng.choice(len(CITIES), p=_CITY_WEIGHTS))
            if avoid is None or (CITIES[idx][1] != CITIES[avoid][1] and CITIES[idx][0] != CITIES[avoid][0]):
                return idx

    def street(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.70:
            return _pick(rng, _STREET_STEMS) + _pick(rng, _STREET_SUFFIXES, _STREET_SUFFIX_P)
        if roll < 0.84:
            kind = _pick(rng, ("Straße", "Straße", "Straße", "Allee", "Weg", "Ring", "Platz"))
            return f"{_pick(rng, _STREET_ADJECTIVES)} {kind}"
        if roll < 0.94:
            return _pick(rng, _PERSON_STREETS)
        return _pick(rng, _PHRASE_STREETS)

    def house_number(self):
        rng = self.rng
        number = int(min(rng.geometric(0.04), 180))
        roll = rng.random()
        if roll < 0.12:
            return f"{number}{_pick(rng, 'abc')}"
        if roll < 0.16:
            return f"{number}-{number + _pick(rng, (1, 2, 4))}"
        return str(number)

    def address(self, city=None, company=False):
        rng = self.rng
        city = self.city() if city is None else city
        name, prefix, _area = CITIES[city]
        street2 = ""
        if rng.random() < (0.15 if company else 0.08):
            street2 = _pick(rng, _COMPANY_STREET2 if company else _PERSON_STREET2)
        return {
            "street": self.street(),
            "house_number": self.house_number(),
            "street2": street2,
            "postcode": f"{prefix}{int(rng.integers(0, 100)):02d}",
            "city": name,
            "_city": city,
        }

    def landline(self, city, switchboard=False):
        """(area code, subscriber number), unique."""
        rng = self.rng
        area = CITIES[city][2]
        while True:
            if switchboard:
                length = int(rng.integers(4, 7))
            else:
                length = 11 - len(area) - int(rng.integers(0, 2))
            sub = str(int(rng.integers(2, 10))) + "".join(str(d) for d in rng.integers(0, 10, length - 1))
            if (area, sub) not in self.phones:
                self.phones.add((area, sub))
                return area, sub

    def mobile(self):
        rng = self.rng
        while True:
            prefix = _pick(rng, tuple(_MOBILE_PREFIXES))
            sub = str(int(rng.integers(1, 10))) + "".join(
                str(d) for d in rng.integers(0, 10, _MOBILE_PREFIXES[prefix] - 1)
            )
            if (prefix, sub) not in self.phones:
                self.phones.add((prefix, sub))
                return prefix, sub

    def set_landline(self, rec, city, switchboard=False, style=None):
        area, sub = self.landline(city, switchboard)
        ext = "0" if switchboard and self.rng.random() < 0.7 else ""
        style = int(self.rng.choice(_LANDLINE_STYLES, p=_LANDLINE_STYLE_P)) if style is None else style
        rec.update(_area=area, _sub=sub, _ext=ext, _pstyle=style, phone=_render_landline(area, sub, ext, style))

    def set_mobile(self, rec, style=None):
        prefix, sub = self.mobile()
        style = int(self.rng.choice(_MOBILE_STYLES, p=_MOBILE_STYLE_P)) if style is None else style
        rec.update(_mpre=prefix, _msub=sub, _mstyle=style, mobile=_render_mobile(prefix, sub, style))

    def unique_email(self, local, domain):
        local = local.strip(".-_") or "post"
        email = f"{local}@{domain}"
        while email in self.emails:
            email = f"{local}{int(self.rng.integers(1, 100))}@{domain}"
        self.emails.add(email)
        return email

    def private_email(self, given, family, birthdate=""):
        rng = self.rng
        g = _slug(given, "")
        f = _slug(family, "")
        if rng.random() < 0.12:  # an own domain
            domain = _pick(rng, (f"{f}-online.de", f"familie-{f}.de", f"{g}-{f}.de", f"{f}.net"))
            return self.unique_email(_pick(rng, ("info", "post", "mail", g)), domain)
        year = birthdate[2:4] if birthdate else str(int(rng.integers(60, 100)))
        local = _pick(
            rng,
            (
                f"{g}.{f}",
                f"{g[0]}.{f}",
                f"{g}{f}",
                f"{f}.{g}",
                f"{g}.{f}{year}",
                f"{g}_{f}",
                f"{f}{g[0]}",
                f"{g}{year}",
            ),
            p=(0.3, 0.12, 0.12, 0.08, 0.14, 0.06, 0.08, 0.1),
        )
        return self.unique_email(local, _pick(rng, _FREEMAIL, _FREEMAIL_P))

    def vat(self):
        while True:
            number = "DE" + "".join(str(d) for d in self.rng.integers(0, 10, 9))
            if number[2] != "0" and number not in self.vats:
                self.vats.add(number)
                return number

    def domain(self, base, city):
        slug = _slug(base)[:40].strip("-") or "firma"
        tld = _pick(self.rng, (".de", ".com", ".eu", ".net"), p=(0.9, 0.06, 0.02, 0.02))
        candidates = [slug + tld, f"{slug}-{_slug(CITIES[city][0])}{tld}"]
        candidates += [f"{slug}{n}{tld}" for n in range(2, 1000)]
        for candidate in candidates:
            if candidate not in self.domains:
                self.domains.add(candidate)
                return candidate
        raise RuntimeError("no free domain")  # pragma: no cover

    def birthdate(self, low, high, mean=None, sd=None):
        rng = self.rng
        if mean is None:
            year = int(rng.integers(low, high + 1))
        else:
            year = int(np.clip(round(rng.normal(mean, sd)), low, high))
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=int(rng.integers(0, 365)))
        return day.isoformat()

    def given(self, gender):
        return _pick(self.rng, _FEMALE if gender == "f" else _MALE)

    def family(self, double_share=0.08):
        rng = self.rng
        roll = rng.random()
        if roll < double_share * 0.7:
            first = _pick(rng, _FAMILY, _FAMILY_WEIGHTS)
            second = _pick(rng, _FAMILY + ["Lüdenscheidt", "Wernersen", "Rautenberg"])
            return f"{first}-{second}" if first != second else first
        if roll < double_share:
            return _pick(rng, _SPACED_DOUBLE)
        return _pick(rng, _FAMILY, _FAMILY_WEIGHTS)

    # -- records -------------------------------------------------------

    def blank(self, entity, kind=ORIGINAL):
        rec = {column: "" for column in COLUMNS.values()}
        rec.update(is_company=False, country="DE", parent=None, entity=entity, kind=kind)
        rec.update(_gender="", _area="", _sub="", _ext="", _pstyle=0, _mpre="", _msub="", _mstyle=0)
        rec.update(_city=None, _base="", _legal="", _parts=None, _domain="")
        return rec

    def private_person(self, kind=ORIGINAL, **fixed):
        rng = self.rng
        rec = self.blank(self.new_entity(), kind)
        gender = fixed.pop("_gender", None) or _pick(rng, ("f", "m"))
        rec["_gender"] = gender
        rec["given_name"] = self.given(gender)
        rec["family_name"] = self.family()
        rec.update(self.address())
        if rng.random() < 0.65:
            rec["birthdate"] = self.birthdate(1930, 2006, mean=1969, sd=16)
        rec.update(fixed)
        if rng.random() < 0.65:
            self.set_landline(rec, rec["_city"])
        if rng.random() < 0.6:
            self.set_mobile(rec)
        if rng.random() < 0.75 or not (rec["phone"] or rec["mobile"]):
            rec["email"] = self.private_email(rec["given_name"], rec["family_name"], rec["birthdate"])
        return self.add(rec)

    def company(self, kind=ORIGINAL, parts=None, city=None):
        rng = self.rng
        rec = self.blank(self.new_entity(), kind)
        rec["is_company"] = True
        rec.update(self.address(city=city, company=True))
        parts = parts or self.company_parts(rec["_city"])
        self.set_company_name(rec, parts)
        self.set_landline(rec, rec["_city"], switchboard=True)
        small = parts["legal"] in ("e.K.", "GbR", "") and rng.random() < 0.4
        if not small or rng.random() < 0.3:
            rec["_domain"] = self.domain(rec["_base"], rec["_city"])
            if rng.random() < 0.9:
                rec["website"] = _pick(
                    rng,
                    (
                        f"www.{rec['_domain']}",
                        rec["_domain"],
                        f"https://www.{rec['_domain']}",
                        f"http://{rec['_domain']}",
                    ),
                    p=(0.75, 0.08, 0.12, 0.05),
                )
            rec["email"] = self.unique_email(_pick(rng, _COMPANY_MAILBOXES), rec["_domain"])
        elif rng.random() < 0.8:
            rec["email"] = self.unique_email(_slug(rec["_base"]), _pick(rng, _FREEMAIL, _FREEMAIL_P))
        if parts["legal"] not in ("", "GbR") or rng.random() < 0.3:
            rec["vat"] = self.vat()
        return self.add(rec)

    def company_parts(self, city):
        rng = self.rng
        roll = rng.random()
        parts = {"family": "", "family2": "", "branch": "", "prefix": "", "stem": "", "tail": "", "adjective": ""}
        if roll < 0.40:
            parts.update(pattern="family_branch", family=self.family(0.02), branch=_pick(rng, _BRANCHES))
        elif roll < 0.62:
            parts.update(pattern="shop", prefix=_pick(rng, _SHOP_PREFIXES), family=self.family(0.02))
        elif roll < 0.72:
            parts.update(pattern="partners", family=self.family(0), family2=self.family(0))
        elif roll < 0.77:
            parts.update(pattern="sons", family=self.family(0), tail=_pick(rng, (" & Söhne", " & Sohn", " Nachf.")))
        elif roll < 0.90:
            parts.update(pattern="fantasy", stem=_pick(rng, _FANTASY_STEMS), tail=_pick(rng, _FANTASY_TAILS))
        else:
            town = CITIES[city][0].split()[0].split("-")[0].split("/")[0]
            adjective = town + ("er" if not town.endswith("e") else "r")
            parts.update(pattern="town_branch", adjective=adjective, branch=_pick(rng, _BRANCHES))
        legal_p = _SHOP_LEGAL_P if parts["pattern"] == "shop" else _LEGAL_P
        parts["legal"] = _pick(rng, _LEGAL_FORMS, legal_p)
        return parts

    @staticmethod
    def set_company_name(rec, parts):
        base = _company_base(parts)
        rec.update(_parts=parts, _base=base, _legal=parts["legal"])
        rec["company"] = f"{base} {parts['legal']}".strip()

    def contact(self, company, kind=ORIGINAL, given=None, family=None, gender=None):
        rng = self.rng
        rec = self.blank(self.new_entity(), kind)
        rec["_gender"] = gender or _pick(rng, ("f", "m"))
        rec["given_name"] = given or self.given(rec["_gender"])
        rec["family_name"] = family or self.family(0.04)
        for field in ("street", "house_number", "street2", "postcode", "city", "_city"):
            rec[field] = company[field]
        for field in ("phone", "_area", "_sub", "_ext", "_pstyle"):
            rec[field] = company[field]
        rec["parent"] = company["_key"]
        rec["_domain"] = company["_domain"]
        if rng.random() < 0.5:
            rec["birthdate"] = self.birthdate(1955, 2002, mean=1978, sd=11)
        if company["_domain"]:
            g, f = _slug(rec["given_name"], ""), _slug(rec["family_name"], "")
            local = _pick(rng, (f"{g}.{f}", f"{g[0]}.{f}", f, f"{g[0]}{f}"), p=(0.55, 0.2, 0.1, 0.15))
            rec["email"] = self.unique_email(local, company["_domain"])
        elif rng.random() < 0.5:
            rec["email"] = self.private_email(rec["given_name"], rec["family_name"], rec["birthdate"])
        if rng.random() < 0.4:
            self.set_mobile(rec)
        return self.add(rec)


# ---------------------------------------------------------------------------
# hard negatives: other entities that look like an existing one


def _hard_negatives(b, count):
    rng = b.rng
    originals = list(b.records)
    privates = [r for r in originals if not r["is_company"] and r["parent"] is None]
    contacts = [r for r in originals if r["parent"] is not None]
    companies = [r for r in originals if r["is_company"]]
    eligible = {
        "father_son": [r for r in privates if r["_gender"] == "m" and r["phone"] and r["birthdate"]],
        "spouse": [r for r in privates if r["phone"]],
        "child": [r for r in privates if not r["birthdate"] or "1955" <= r["birthdate"][:4] <= "1985"],
        "colleague": contacts,
        "similar_company": companies,
        "branch": companies,
    }
    weights = np.array([0.15, 0.2, 0.15, 0.2, 0.15, 0.15])
    kinds = [HARD_NEGATIVES[int(i)] for i in rng.choice(len(HARD_NEGATIVES), size=count, p=weights)]
    order = {kind: [int(i) for i in rng.permutation(len(eligible[kind]))] for kind in HARD_NEGATIVES}
    makers = {
        "father_son": _father_son,
        "spouse": _spouse,
        "child": _child,
        "colleague": _colleague,
        "similar_company": _similar_company,
        "branch": _branch,
    }
    for kind in kinds:
        if not order[kind]:
            continue
        base = eligible[kind][order[kind].pop()]
        rec = makers[kind](b, base)
        b.hard_negative_of[rec["_key"]] = base["_key"]


def _household(b, base, rec, phone):
    for field in ("street", "house_number", "street2", "postcode", "city", "_city"):
        rec[field] = base[field]
    if phone:
        for field in ("phone", "_area", "_sub", "_ext", "_pstyle"):
            rec[field] = base[field]


def _father_son(b, base):
    """Father or son of a man: same name, address and landline, a birth date
    decades apart, an own (or no) email, maybe "jun."/"sen." in the name."""
    rng = b.rng
    year = int(base["birthdate"][:4])
    gap = int(rng.integers(22, 36))
    younger = year <= 1965
    new_year = year + gap if younger else year - gap
    rec = b.private_person(
        "father_son",
        _gender="m",
        given_name=base["given_name"],
        family_name=base["family_name"],
        birthdate=b.birthdate(new_year, new_year),
    )
    _household(b, base, rec, phone=True)
    if rng.random() < 0.5:
        rec["email"] = ""
    if rng.random() < 0.5:
        rec.update(mobile="", _mpre="", _msub="")
    if rng.random() < 0.5:
        marker = "jun." if younger else "sen."
        field = _pick(rng, ("family_name", "given_name"))
        rec[field] = f"{rec[field]} {marker}"
    return rec


def _spouse(b, base):
    """The partner: same family name, address and landline; own given name,
    birth date, mobile and email."""
    rng = b.rng
    gender = "m" if base["_gender"] == "f" and rng.random() < 0.9 else "f"
    given = base["given_name"]
    while given == base["given_name"]:
        given = b.given(gender)
    fixed = {"_gender": gender, "given_name": given, "family_name": base["family_name"]}
    if base["birthdate"]:
        year = int(base["birthdate"][:4]) + int(rng.integers(-8, 9))
        fixed["birthdate"] = base["birthdate"]
        while fixed["birthdate"] == base["birthdate"]:
            fixed["birthdate"] = b.birthdate(year, year)
    rec = b.private_person("spouse", **fixed)
    _household(b, base, rec, phone=True)
    if rng.random() < 0.4:
        rec["email"] = ""
    return rec


def _child(b, base):
    """A grown-up child still at home: same family name and address, own
    given name, a recent birth date, the landline or not."""
    rng = b.rng
    gender = _pick(rng, ("f", "m"))
    given = base["given_name"]
    while given == base["given_name"]:
        given = b.given(gender)
    year = int(base["birthdate"][:4]) if base["birthdate"] else 1970
    low, high = max(1999, year + 20), min(2011, year + 45)
    rec = b.private_person(
        "child", _gender=gender, given_name=given, family_name=base["family_name"], birthdate=b.birthdate(low, high)
    )
    _household(b, base, rec, phone=bool(base["phone"]) and rng.random() < 0.5)
    if rec["phone"] and rec["phone"] != base["phone"]:
        rec.update(phone="", _area="", _sub="")
    if not (rec["phone"] or rec["mobile"] or rec["email"]):
        b.set_mobile(rec)
    return rec


def _colleague(b, base):
    rng = b.rng
    company = b.records[base["parent"]]
    given, gender = None, None
    if base["given_name"] in _SIMILAR_GIVEN and rng.random() < 0.7:
        given = _pick(rng, _SIMILAR_GIVEN[base["given_name"]])
        gender = "f" if given in _FEMALE else "m"
    family = base["family_name"] if rng.random() < 0.1 else None
    while True:
        rec_given = given or b.given(gender or _pick(rng, ("f", "m")))
        if rec_given != base["given_name"]:
            break
    return b.contact(company, "colleague", given=rec_given, family=family, gender=gender)


def _similar_company(b, base):
    """Another firm in the same town with a name like the base's ("Müller
    Bau GmbH" / "Müller Bäckerei GmbH", "Autohaus Schmidt" / "Autohaus
    Schmitt & Söhne"); its own VAT number, phone and web domain."""
    rng = b.rng
    parts = dict(base["_parts"])
    pattern = parts["pattern"]
    options = []
    if pattern in ("family_branch", "town_branch"):
        options.append("branch")
    if pattern in ("fantasy", "sons"):
        options.append("tail")
    if pattern == "partners":
        options.append("family2")
    if parts["family"] and _can_respell(parts["family"]):
        options.append("respell")
    if pattern in ("shop", "family_branch", "partners"):
        options.append("sons")
    option = _pick(rng, options)
    if option == "branch":
        parts["branch"] = _pick(rng, [x for x in _BRANCHES if x != parts["branch"]])
    elif option == "tail":
        tails = _FANTASY_TAILS if pattern == "fantasy" else (" & Söhne", " & Sohn", " & Partner", " Nachf.")
        parts["tail"] = _pick(rng, [x for x in tails if x != parts["tail"]])
    elif option == "family2":
        parts["family2"] = _pick(rng, [x for x in _FAMILY if x != parts["family2"]])
    else:
        if option == "respell" or (_can_respell(parts["family"]) and rng.random() < 0.5):
            parts["family"] = _respell_name(rng, parts["family"])
        if option == "sons":
            parts.update(pattern="sons", family=_company_base(dict(base["_parts"], family=parts["family"])))
            parts["tail"] = _pick(rng, (" & Söhne", " & Sohn", " & Partner", " Nachf."))
    if rng.random() < 0.3:
        parts["legal"] = _pick(rng, _LEGAL_FORMS, _LEGAL_P)
    rec = b.company("similar_company", parts=parts, city=base["_city"])
    if base["vat"] and not rec["vat"]:
        rec["vat"] = b.vat()
    return rec


def _branch(b, base):
    rng = b.rng
    rec = b.blank(b.new_entity(), "branch")
    rec.update(is_company=True, company=base["company"], _parts=base["_parts"], _base=base["_base"])
    rec.update(_legal=base["_legal"], _domain=base["_domain"], website=base["website"])
    rec.update(b.address(city=b.city(avoid=base["_city"]), company=True))
    b.set_landline(rec, rec["_city"], switchboard=True, style=base["_pstyle"])
    if base["_domain"]:
        rec["email"] = b.unique_email(_slug(rec["city"].split()[0]), base["_domain"])
    elif rng.random() < 0.6:
        rec["email"] = b.unique_email(_slug(rec["_base"] + " " + rec["city"]), _pick(rng, _FREEMAIL, _FREEMAIL_P))
    rec["vat"] = b.vat()
    return b.add(rec)


# ---------------------------------------------------------------------------
# corruptions of a duplicate record: each returns whether it changed it

_WEIGHTS = {
    "moved": 1.0,
    "married": 0.8,
    "double_name": 0.7,
    "name_swap": 0.5,
    "nickname": 0.8,
    "initial": 0.8,
    "phonetic": 1.3,
    "birthdate": 0.9,
    "format": 2.2,
    "typo": 3.0,
    "missing": 2.0,
}
_EXCLUSIVE = {
    frozenset(pair)
    for pair in (
        ("married", "name_swap"),
        ("married", "initial"),
        ("married", "nickname"),
        ("married", "double_name"),
        ("married", "moved"),
        ("married", "birthdate"),
        ("name_swap", "initial"),
        ("nickname", "initial"),
    )
}
_MISSABLE = {
    "phone": 1.0,
    "mobile": 1.0,
    "email": 1.0,
    "birthdate": 1.0,
    "street2": 1.5,
    "house_number": 0.7,
    "website": 1.0,
    "vat": 1.0,
    "street": 0.2,
}


def _applicable(rec):
    """Corruption -> weight, for the corruptions that fit ``rec``."""
    person = not rec["is_company"]
    given, family = rec["given_name"], rec["family_name"]
    out = {"typo": _WEIGHTS["typo"], "format": _WEIGHTS["format"]}
    if any(_present(rec[f]) for f in _MISSABLE):
        out["missing"] = _WEIGHTS["missing"]
    names = [given, family] if person else [rec["_base"]]
    if any(_present(n) and _can_respell(n) for n in names):
        out["phonetic"] = _WEIGHTS["phonetic"]
    if rec["parent"] is None and any(_present(rec[f]) for f in ("phone", "mobile", "email")):
        out["moved"] = _WEIGHTS["moved"]
    if person:
        out["name_swap"] = _WEIGHTS["name_swap"]
        if len(given) > 2:
            out["initial"] = _WEIGHTS["initial"]
        if given in _NICKNAME_OF:
            out["nickname"] = _WEIGHTS["nickname"] * 2
        out["married"] = _WEIGHTS["married"] * (1.5 if rec["_gender"] == "f" else 0.25)
        if "-" in given or "-" in family or family in _SPACED_DOUBLE:
            out["double_name"] = _WEIGHTS["double_name"] * 4
        if rec["birthdate"]:
            out["birthdate"] = _WEIGHTS["birthdate"]
    return out


def _moved(b, rec, orig, protect):
    """A new address in another town; one of phone, mobile and email stays
    exactly as it was (a landline mostly goes with the old town)."""
    rng = b.rng
    channels = [c for c in ("phone", "mobile", "email") if _present(orig[c])]
    if not channels:
        return False
    weights = np.array([0.25 if c == "phone" and len(channels) > 1 else 1.0 for c in channels])
    keep = _pick(rng, channels, weights / weights.sum())
    rec.update(b.address(city=b.city(avoid=orig["_city"]), company=rec["is_company"]))
    protect.update({keep, "postcode"})
    if "phone" in channels and keep != "phone":
        if rec["is_company"] or rng.random() < 0.6:
            b.set_landline(rec, rec["_city"], switchboard=rec["is_company"], style=orig["_pstyle"])
        else:
            rec["phone"] = ""
    if "mobile" in channels and keep != "mobile" and rng.random() < 0.3:
        rec["mobile"] = ""
    if "email" in channels and keep != "email" and not rec["is_company"] and rng.random() < 0.4:
        rec["email"] = "" if rng.random() < 0.5 else b.private_email(rec["given_name"], rec["family_name"])
    return True


def _marriage(b, rec, orig, protect):
    """A new family name (sometimes a double name with the old one); given
    name and birth date stay, and so does at least one contact channel when
    there is no birth date."""
    rng = b.rng
    old = rec["family_name"]
    new = old
    while new == old or new in _SOUND_ALIKE_OF.get(old, ()):
        new = _pick(rng, _FAMILY, _FAMILY_WEIGHTS)
    if rng.random() < 0.2:
        new = f"{new}-{old.split()[0].split('-')[0]}"
    rec["family_name"] = new
    protect.update({"given_name", "birthdate"})
    kept = []
    if _present(rec["email"]):
        roll = rng.random()
        if roll < 0.45:
            kept.append("email")
        elif roll < 0.85:
            if rec["parent"] is not None and rec["_domain"]:
                local = f"{_slug(rec['given_name'], '')}.{_slug(new, '')}"
                rec["email"] = b.unique_email(local, rec["_domain"])
            else:
                rec["email"] = b.private_email(rec["given_name"], new, rec["birthdate"])
        else:
            rec["email"] = ""
    for field, keep_share in (("phone", 0.7), ("mobile", 0.8)):
        if _present(rec[field]):
            if rng.random() < keep_share:
                kept.append(field)
            else:
                rec[field] = ""
    if not rec["birthdate"] and not kept:
        # something must still tie her to the old record
        field = _pick(rng, [f for f in ("phone", "mobile", "email") if _present(orig[f])])
        rec[field] = orig[field]
        kept.append(field)
    protect.update(kept)
    return True


def _double_name(b, rec, orig, protect):
    rng = b.rng
    options = []
    family, given = rec["family_name"], rec["given_name"]
    if family in _SPACED_DOUBLE:
        options.append(("family_name", family.split()[0]))
    elif "-" in family:
        first, second = family.split("-", 1)
        options.append(("family_name", first if rng.random() < 0.7 else second))
    if "-" in given:
        options.append(("given_name", given.split("-")[0]))
    if not options:
        return False
    field, value = _pick(rng, options)
    rec[field] = value
    return True


def _name_swap(b, rec, orig, protect):
    if not (_present(rec["given_name"]) and _present(rec["family_name"])):
        return False
    rec["given_name"], rec["family_name"] = rec["family_name"], rec["given_name"]
    return True


def _nickname(b, rec, orig, protect):
    names = _NICKNAME_OF.get(rec["given_name"])
    if not names:
        return False
    rec["given_name"] = _pick(b.rng, names)
    return True


def _initial(b, rec, orig, protect):
    rng = b.rng
    given = rec["given_name"]
    if len(given) < 2:
        return False
    parts = given.split("-")
    if len(parts) > 1 and rng.random() < 0.5:
        rec["given_name"] = "-".join(p[0] + "." for p in parts)
    else:
        rec["given_name"] = given[0] + ("." if rng.random() < 0.7 else "")
    return True


def _phonetic(b, rec, orig, protect):
    rng = b.rng
    if rec["is_company"]:
        base = rec["_base"]
        if not rec["company"].startswith(base):
            return False
        variant = _respell_name(rng, base)
        if not variant:
            return False
        rec["company"] = variant + rec["company"][len(base) :]
        return True
    fields = [f for f in ("family_name", "given_name") if _present(rec[f]) and f not in protect]
    for field in rng.permutation(fields) if fields else []:
        variant = _respell_name(rng, rec[str(field)])
        if variant:
            rec[str(field)] = variant
            return True
    return False


def _birthdate_typo(b, rec, orig, protect):
    rng = b.rng
    text = rec["birthdate"]
    if not _present(text) or "birthdate" in protect:
        return False
    day = datetime.date.fromisoformat(text)
    if day.day <= 12 and day.day != day.month and rng.random() < 0.4:
        rec["birthdate"] = datetime.date(day.year, day.day, day.month).isoformat()
        return True
    digits = text.replace("-", "")
    for _attempt in range(40):
        pos = _pick(rng, (2, 3, 4, 5, 6, 7), p=(0.1, 0.25, 0.1, 0.2, 0.15, 0.2))
        near = _NEAR_KEYS[digits[pos]]
        new = (
            digits[:pos]
            + (_pick(rng, near) if rng.random() < 0.7 else str(int(rng.integers(0, 10))))
            + digits[pos + 1 :]
        )
        try:
            out = datetime.date(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
        if new != digits and 1900 <= out.year <= 2015:
            rec["birthdate"] = out.isoformat()
            return True
    rec["birthdate"] = (day + datetime.timedelta(days=1 if day.day < 28 else -1)).isoformat()
    return True


_STRASSE = re.compile(r"([Ss])tr(?:aße|asse|\.|(?=\b))")


def _format(b, rec, orig, protect):
    rng = b.rng
    options = []

    def ok(field):
        return _present(rec[field]) and field not in protect

    if ok("street") and _STRASSE.search(rec["street"]):
        options.append("street")
    text_fields = [f for f in ("company", "given_name", "family_name", "street", "city") if ok(f)]
    if text_fields:
        options += ["upper", "spaces"]
    if any(re.search("[äöüßÄÖÜ]", rec[f]) for f in text_fields):
        options.append("umlaut")
    if ok("phone") and rec["_sub"]:
        options.append("phone")
    if ok("mobile") and rec["_msub"]:
        options.append("mobile")
    if rec["is_company"] and rec["_legal"] and rec["company"].endswith(rec["_legal"]):
        options += ["legal", "no_legal"]
    if ok("email"):
        options.append("email")
    if ok("website"):
        options.append("website")
    if ok("vat"):
        options.append("vat")
    if ok("house_number") and not rec["house_number"].isdigit():
        options.append("house_number")
    count = 1 if rng.random() < 0.7 else 2
    changed = False
    for option in [options[int(i)] for i in rng.permutation(len(options))][:count]:
        changed |= _format_one(b, rec, option, text_fields)
    return changed


def _format_one(b, rec, option, text_fields):
    rng = b.rng
    before = {f: rec[f] for f in COLUMNS.values()}
    # an earlier option of the same call may have made this one moot
    if option == "street" and not _STRASSE.search(rec["street"]):
        return False
    if option in ("legal", "no_legal") and not rec["company"].endswith(rec["_legal"]):
        return False
    if option == "street":
        current = _STRASSE.search(rec["street"]).group(0)
        choices = [s for s in ("traße", "tr.", "trasse", "tr") if current[1:] != s]
        rec["street"] = _STRASSE.sub(lambda m: m.group(1) + _pick(rng, choices), rec["street"], count=1)
    elif option == "upper":
        field = _pick(rng, text_fields)
        rec[field] = rec[field].upper()
    elif option == "spaces":
        field = _pick(rng, text_fields)
        value = rec[field]
        roll = rng.random()
        if " " in value.strip() and roll < 0.5:
            spaces = [m.start() for m in re.finditer(" ", value)]
            at = _pick(rng, spaces)
            rec[field] = value[:at] + "  " + value[at + 1 :]
        elif roll < 0.8:
            rec[field] = value + " "
        else:
            rec[field] = " " + value
    elif option == "umlaut":
        fields = [f for f in text_fields if re.search("[äöüßÄÖÜ]", rec[f])]
        if fields:
            field = _pick(rng, fields)
            rec[field] = rec[field].translate(_FOLD)
    elif option == "phone":
        style = _pick(rng, [s for s in range(_LANDLINE_STYLES) if s != rec["_pstyle"]])
        rec["phone"] = _render_landline(rec["_area"], rec["_sub"], rec["_ext"], style)
    elif option == "mobile":
        style = _pick(rng, [s for s in range(_MOBILE_STYLES) if s != rec["_mstyle"]])
        rec["mobile"] = _render_mobile(rec["_mpre"], rec["_msub"], style)
    elif option in ("legal", "no_legal"):
        base = rec["company"][: -len(rec["_legal"])].rstrip()
        if option == "no_legal":
            rec["company"] = base
        else:
            rec["company"] = f"{base} {_pick(rng, _LEGAL_VARIANTS.get(rec['_legal'], (rec['_legal'].upper(),)))}"
    elif option == "email":
        local, domain = rec["email"].split("@", 1)
        if rng.random() < 0.5:
            rec["email"] = f"{'.'.join(p.capitalize() for p in local.split('.'))}@{domain}"
        else:
            rec["email"] = rec["email"].upper()
    elif option == "website":
        domain = re.sub(r"^(https?://)?(www\.)?", "", rec["website"]).rstrip("/")
        choices = [f"www.{domain}", domain, f"https://www.{domain}", f"http://www.{domain}/", f"WWW.{domain.upper()}"]
        rec["website"] = _pick(rng, [c for c in choices if c != rec["website"]])
    elif option == "vat":
        digits = rec["vat"][2:]
        choices = [f"DE {digits[:3]} {digits[3:6]} {digits[6:]}", f"DE {digits}", f"de{digits}", f"DE-{digits}"]
        rec["vat"] = _pick(rng, [c for c in choices if c != rec["vat"]])
    elif option == "house_number":
        number = rec["house_number"]
        if "-" in number:
            rec["house_number"] = _pick(rng, (number.replace("-", " - "), number.replace("-", "/")))
        else:
            digits = number.rstrip("abcABC")
            letter = number[len(digits) :]
            rec["house_number"] = _pick(rng, (f"{digits} {letter}", f"{digits}{letter.upper()}"))
    return any(rec[f] != before[f] for f in before)


_TYPO_FIELDS = {
    "given_name": 3.0,
    "family_name": 4.0,
    "company": 4.0,
    "street": 3.0,
    "house_number": 1.0,
    "postcode": 2.0,
    "city": 2.0,
    "phone": 2.0,
    "mobile": 1.5,
    "email": 2.0,
    "street2": 0.5,
}


def _typo_field(b, rec, orig, protect):
    rng = b.rng
    fields = [f for f in _TYPO_FIELDS if _present(rec[f]) and f not in protect]
    if not fields:
        return False
    weights = np.array([_TYPO_FIELDS[f] for f in fields])
    for field in [
        fields[int(i)] for i in rng.choice(len(fields), size=len(fields), replace=False, p=weights / weights.sum())
    ]:
        value = rec[field]
        if field in ("phone", "mobile"):
            out = _phone_typo(rng, value)
        elif field == "email":
            out = _email_typo(rng, value)
        elif field == "postcode":
            out = _typo(rng, value, digits_only=True)
        else:
            out = _typo(rng, value)
        if out != value:
            rec[field] = out
            return True
    return False


def _missing(b, rec, orig, protect):
    rng = b.rng
    fields = [f for f in _MISSABLE if _present(rec[f]) and f not in protect]
    if not fields:
        return False
    weights = np.array([_MISSABLE[f] for f in fields])
    count = min(len(fields), 1 if rng.random() < 0.7 else 2)
    for i in rng.choice(len(fields), size=count, replace=False, p=weights / weights.sum()):
        field = fields[int(i)]
        rec[field] = "" if field == "birthdate" or rng.random() < 0.6 else np.nan
    return True


_APPLY = {
    "moved": _moved,
    "married": _marriage,
    "double_name": _double_name,
    "name_swap": _name_swap,
    "nickname": _nickname,
    "initial": _initial,
    "phonetic": _phonetic,
    "birthdate": _birthdate_typo,
    "format": _format,
    "typo": _typo_field,
    "missing": _missing,
}


def _duplicate(b, orig):
    """One corrupted copy of ``orig`` (a new record of the same entity)."""
    rng = b.rng
    rec = dict(orig)
    rec.pop("_key")
    weights = _applicable(orig)
    chosen = []
    for _ in range(_pick(rng, (1, 2, 3), p=(0.55, 0.3, 0.15))):
        candidates = [
            c for c in weights if c not in chosen and not any(frozenset((c, x)) in _EXCLUSIVE for x in chosen)
        ]
        if not candidates:
            break
        w = np.array([weights[c] for c in candidates])
        chosen.append(_pick(rng, candidates, w / w.sum()))
    protect = set()
    applied = [c for c in CORRUPTIONS if c in chosen and _APPLY[c](b, rec, orig, protect)]
    fields = list(COLUMNS.values())
    if not applied or all(_same(rec[f], orig[f]) for f in fields):
        if "typo" not in applied and _typo_field(b, rec, orig, protect):
            applied.append("typo")
            applied.sort(key=CORRUPTIONS.index)
    rec["kind"] = "+".join(applied)
    return b.add(rec)


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, float) and isinstance(b, float)
    return a == b


# ---------------------------------------------------------------------------
# the API


def generate(entities=2000, seed=0, duplicate_share=0.4, hard_negatives=True):
    """German customer records with planted duplicates and look-alikes.

    ``entities`` real-world entities (about 50 % private persons, 30 %
    companies, 20 % contacts of those companies); with ``hard_negatives``
    about 10 % more entities that look like one of them; then
    ``duplicate_share`` of all entities get one to three corrupted extra
    records. One row per record, indexed by record id ("r000001" ...), with
    the columns of ``COLUMNS`` plus ``entity`` (the truth) and ``kind``
    (``"original"``, the applied ``CORRUPTIONS`` joined with "+", or one of
    ``HARD_NEGATIVES``). ``frame.attrs["hard_negative_of"]`` maps the id of
    each hard negative to the id of the record it mimics."""
    if entities < 1:
        raise ValueError("entities must be at least 1")
    if not 0 <= duplicate_share <= 1:
        raise ValueError("duplicate_share must be between 0 and 1")
    rng = np.random.default_rng(seed)
    b = _Builder(rng)
    n_companies = int(round(0.3 * entities)) if entities >= 4 else 0
    n_contacts = int(round(0.2 * entities)) if n_companies else 0
    n_private = entities - n_companies - n_contacts
    companies = [b.company() for _ in range(n_companies)]
    for i in rng.integers(0, max(n_companies, 1), n_contacts):
        b.contact(companies[int(i)])
    for _ in range(n_private):
        b.private_person()
    if hard_negatives:
        _hard_negatives(b, int(round(HARD_NEGATIVE_SHARE * entities)))
    firsts = list(b.records)
    n_dup = int(round(duplicate_share * len(firsts)))
    for i in sorted(int(i) for i in rng.choice(len(firsts), size=n_dup, replace=False)):
        for _ in range(_pick(rng, (1, 2, 3), p=(0.65, 0.25, 0.1))):
            _duplicate(b, firsts[i])
    return _frame(b)


def _frame(b):
    records = b.records
    order = b.rng.permutation(len(records))
    width = max(6, len(str(len(records))))
    ids = [""] * len(records)
    for position, key in enumerate(order):
        ids[int(key)] = f"r{position + 1:0{width}d}"
    columns = list(COLUMNS.values()) + ["entity", "kind"]
    rows = [records[int(key)] for key in order]
    frame = pd.DataFrame({c: [row[c] for row in rows] for c in columns}, index=pd.Index([ids[int(k)] for k in order]))
    frame["parent"] = [ids[row["parent"]] if row["parent"] is not None else "" for row in rows]
    frame["is_company"] = frame["is_company"].astype(bool)
    frame.attrs["hard_negative_of"] = {ids[k]: ids[v] for k, v in b.hard_negative_of.items()}
    return frame


def true_pairs(frame):
    """All unordered pairs ``(a, b)``, ``a < b``, of records (index values)
    that share an entity."""
    pairs = set()
    for ids in frame.groupby("entity", sort=False).groups.values():
        if len(ids) > 1:
            pairs.update(itertools.combinations(sorted(ids), 2))
    return pairs


def hard_negative_pairs(frame):
    """The pairs ``(a, b)``, ``a < b``, of each hard negative and the record
    it mimics: different entities that a matcher should keep apart."""
    return {tuple(sorted(pair)) for pair in frame.attrs.get("hard_negative_of", {}).items()}
