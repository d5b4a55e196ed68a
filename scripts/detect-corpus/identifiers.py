#!/usr/bin/env python3
"""Generates the labelled corpus of identifiers read after their label and of the other
context-only categories (issue 17): passports, driving licences, plates, postcodes, registry
numbers, bank accounts, NIN, TIN, voter id, MBI.

Values with a published rule are drawn at random and kept only when an outside implementation
accepts them: python-stdnum (`kr.brn`, `sg.uen`), the `mrz` package (ICAO 9303 check digits of
German passports and identity cards). The others follow the issuing authority's format. The
sentences put one of the category's labels right before the value, in English, German, Turkish,
Spanish, French, Italian or Korean; near-misses put the same shapes after words that are no
label (`ref`, `order`, `code`) and carry no span.

This corpus shares its formats with the recognizers, so it measures consistency (every label,
separator and format the recognizers claim to read), not accuracy on real text.

    python3 scripts/detect-corpus/identifiers.py > crates/tokenvault-detect/tests/corpus/labelled_identifiers.jsonl
"""

import json
import random
import string
import sys

from mrz.base.functions import hash_string
from stdnum.kr import brn as stdnum_brn
from stdnum.sg import uen as stdnum_uen

R = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 20261201)
UPPER = string.ascii_uppercase


def digits(n):
    return "".join(R.choice(string.digits) for _ in range(n))


def letters(n, alphabet=UPPER):
    return "".join(R.choice(alphabet) for _ in range(n))


def luhn_complete(payload):
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return payload + str((10 - total % 10) % 10)


def kr_brn():
    while True:
        v = f"{R.randint(101, 999)}-{R.randint(1, 99):02d}-{R.randint(1, 99999):05d}"
        if stdnum_brn.is_valid(v):
            return v


def sg_uen():
    while True:
        head = digits(8)
        v = head + stdnum_uen.calc_business_check_digit(head + "X")
        if stdnum_uen.is_valid(v):
            return v


DOC_ALPHABET = "CFGHJKLMNPRTVWXYZ0123456789"


def de_passport():
    number = R.choice("CFGHJK") + letters(8, DOC_ALPHABET)
    return number + (str(hash_string(number)) if R.random() < 0.5 else "")


def de_id_card():
    number = R.choice("CFGHJKLMNPRTVWXYZ") + letters(8, DOC_ALPHABET)
    return number + (str(hash_string(number)) if R.random() < 0.5 else "")


def gb_driving_licence():
    month = R.randint(1, 12) + R.choice([0, 50])
    return (letters(5) + digits(1) + f"{month:02d}" + f"{R.randint(1, 28):02d}" + digits(1)
            + letters(2) + "9" + letters(2))


def gb_postcode():
    outward_first = "ABCDEFGHIJKLMNOPRSTUWYZ"
    outward_second = "ABCDEFGHKLMNOPQRSTUVWXY"
    inward = "ABDEFGHJLNPQRSTUWXYZ"
    outward = R.choice([
        lambda: R.choice(outward_first) + digits(1),
        lambda: R.choice(outward_first) + digits(2),
        lambda: R.choice(outward_first) + R.choice(outward_second) + digits(1),
        lambda: R.choice(outward_first) + R.choice(outward_second) + digits(2),
    ])()
    return outward + " " + digits(1) + letters(2, inward)


def gb_vehicle_reg():
    age = R.choice(list(range(2, 30)) + list(range(51, 80)))
    return letters(1, "ABCDEFGHJKLMNOPRSTUVWXY") + letters(1) + f"{age:02d} " + letters(3, "ABCDEFGHJKLMNOPRSTUVWXYZ")


def de_health_insurance():
    letter = R.choice(UPPER)
    body = digits(8)
    ds = [int(x) for x in f"{ord(letter) - 64:02d}" + body]
    total = sum((d * w) // 10 + (d * w) % 10 for d, w in zip(ds, [1, 2] * 5))
    return letter + body + str(total % 10)


def de_svnr():
    head = f"{R.randint(10, 89)}{R.randint(1, 28):02d}{R.randint(1, 12):02d}{digits(2)}"
    letter, serial = letters(1), digits(2)
    ds = [int(x) for x in head + f"{ord(letter) - 64:02d}" + serial]
    total = sum((d * w) // 10 + (d * w) % 10 for d, w in zip(ds, [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]))
    return f"{head[:2]} {head[2:]} {letter} {serial}{total % 10}"


def de_lanr():
    head = [R.randint(0, 9) for _ in range(6)]
    check = (6 * (head[0] + head[2] + head[4]) + head[1] + head[3] + head[5]) % 10
    return "".join(map(str, head)) + str(check) + digits(2)


def sg_nric():
    # melvinzhang.net's note of the rule (weights, +4 for T/G, the two letter tables).
    prefix = R.choice("STFG")
    ds = [R.randint(0, 9) for _ in range(7)]
    n = (sum(d * w for d, w in zip(ds, [2, 7, 6, 5, 4, 3, 2])) + (4 if prefix in "TG" else 0)) % 11
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return prefix + "".join(map(str, ds)) + table[n]


def us_dea():
    d = [R.randint(0, 9) for _ in range(6)]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    return R.choice("ABFGM") + letters(1) + "".join(map(str, d)) + str(check)


IN_STATES = ["MH", "DL", "KA", "TN", "UP", "GJ", "WB", "KL", "RJ", "HR"]

SLOTS = {
    "kr_brn": (kr_brn, {"ko": ["사업자등록번호", "사업자번호"], "en": ["business registration number"]}),
    "kr_driving_licence": (lambda: f"{R.randint(11, 28)}-{digits(2)}-{digits(6)}-{digits(2)}", {"ko": ["운전면허번호", "면허번호"], "en": ["driver license"]}),
    "sg_uen": (sg_uen, {"en": ["UEN", "unique entity number"]}),
    "de_passport": (de_passport, {"de": ["Reisepass Nr.", "Passnummer"], "en": ["passport"]}),
    "de_id_card": (de_id_card, {"de": ["Personalausweis:", "Ausweisnummer"]}),
    "de_handelsregister": (lambda: f"HRB {R.randint(1, 999999)}", {"de": ["Amtsgericht München", "Registergericht Köln"]}),
    "de_plate": (lambda: f"{R.choice(['B', 'M', 'HH', 'K', 'F', 'S', 'DO'])}-{letters(R.randint(1, 2))} {R.randint(1, 9999)}", {"de": ["Kennzeichen", "amtliches Kennzeichen"]}),
    "tr_plate": (lambda: f"{R.randint(1, 81):02d} {letters(R.randint(1, 3))} {R.randint(10, 9999)}", {"tr": ["plaka", "araç plakası"]}),
    "ng_plate": (lambda: f"{letters(3)}-{digits(3)}{letters(2)}", {"en": ["plate number", "number plate"]}),
    "gb_passport": (lambda: str(R.randint(1, 9)) + digits(8), {"en": ["UK passport number", "British passport"]}),
    "gb_driving_licence": (gb_driving_licence, {"en": ["driving licence", "DVLA licence number"]}),
    "gb_postcode": (gb_postcode, {"en": ["postcode", "post code"]}),
    "gb_vehicle_reg": (gb_vehicle_reg, {"en": ["vehicle registration", "reg number"]}),
    "in_passport": (lambda: R.choice("ABCDEFGHJKLMNPRSTUVWY") + str(R.randint(1, 9)) + digits(5) + str(R.randint(1, 9)), {"en": ["passport no:", "passport number"]}),
    "in_vehicle_reg": (lambda: f"{R.choice(IN_STATES)} {R.randint(1, 99):02d} {letters(2)} {R.randint(1000, 9999)}", {"en": ["vehicle number", "registration number"]}),
    "it_passport": (lambda: letters(2) + digits(7), {"it": ["passaporto", "numero di passaporto"]}),
    "it_id_card": (lambda: "C" + letters(1) + digits(5) + letters(2), {"it": ["carta d'identità", "CIE"]}),
    "it_driving_licence": (lambda: "U1" + letters(7, UPPER + string.digits) + letters(1), {"it": ["patente", "patente di guida"]}),
    "us_driver_licence": (lambda: letters(1) + digits(7), {"en": ["driver's license", "driver license"]}),
    "de_tax_number": (lambda: f"{R.randint(10, 99)}/{digits(3)}/{digits(5)}", {"de": ["Steuernummer", "St.-Nr."]}),
    "de_postcode": (lambda: f"{R.randint(1001, 99998):05d}", {"de": ["PLZ", "Postleitzahl"]}),
    "de_driving_licence": (lambda: letters(10, UPPER + string.digits) + digits(1), {"de": ["Führerscheinnummer", "Führerschein-Nr."]}),
    "de_health_insurance": (de_health_insurance, {"de": ["Krankenversichertennummer", "KVNR"]}),
    "de_svnr": (de_svnr, {"de": ["Sozialversicherungsnummer", "Rentenversicherungsnummer"]}),
    "de_lanr": (de_lanr, {"de": ["LANR", "Arztnummer"]}),
    "de_bsnr": (lambda: R.choice(["01", "17", "38", "52", "71", "98"]) + digits(7), {"de": ["BSNR", "Betriebsstättennummer"]}),
    "sg_nric": (sg_nric, {"en": ["NRIC", "NRIC no"]}),
    "us_dea": (us_dea, {"en": ["DEA number", "DEA registration"]}),
    "es_passport": (lambda: letters(3) + digits(6), {"es": ["pasaporte", "n.º de pasaporte"]}),
    "kr_passport": (lambda: R.choice("MSROD") + digits(8), {"ko": ["여권번호", "여권"]}),
    "us_bank_account": (lambda: digits(R.randint(10, 12)), {"en": ["bank account", "account number"]}),
    "ng_nin": (lambda: digits(11), {"en": ["NIN", "national identification number"]}),
    "ph_tin": (lambda: f"{digits(3)}-{digits(3)}-{digits(3)}", {"en": ["TIN", "taxpayer identification"]}),
    "in_voter_id": (lambda: letters(3) + luhn_complete(digits(6)), {"en": ["voter id", "EPIC"]}),
}

FRAMES = {
    "en": ["Hi team, {w} {v} and please confirm by Friday.", "The customer gave {w} {v} this morning.", "Please update the record: {w} {v}."],
    "de": ["Hallo, {w} {v} bitte prüfen.", "Der Kunde hat {w} {v} angegeben.", "Bitte aktualisieren: {w} {v}."],
    "tr": ["Merhaba, {w} {v} olarak güncellendi.", "Lütfen kaydı düzeltin: {w} {v}."],
    "es": ["Hola, {w} {v} por favor confirmar.", "El cliente indicó {w} {v} esta mañana."],
    "it": ["Buongiorno, {w} {v} da verificare.", "Il cliente ha indicato {w} {v} stamattina."],
    "ko": ["고객 {w} {v} 확인 부탁드립니다.", "{w} {v} 입니다."],
}

NOT_LABELS = ["ref", "order", "code", "ticket", "item"]


def main():
    out = []
    cats = list(SLOTS)
    for i in range(len(cats) * 24):
        cat = cats[i % len(cats)]
        make, words = SLOTS[cat]
        lang = R.choice(list(words))
        frame = R.choice(FRAMES[lang])
        value, word = make(), R.choice(words[lang])
        before = frame.split("{w} {v}")[0] + word + " "
        text = before + value + frame.split("{w} {v}")[1]
        out.append({"lang": lang, "text": text, "spans": [{"category": cat, "start": len(before), "end": len(before) + len(value)}]})
    # A register number opens with its type (`HRB 123456`): it needs no label, so it has no
    # near-miss.
    unlabelled = [c for c in cats if c != "de_handelsregister"]
    for i in range(len(cats) * 4):
        make, _ = SLOTS[unlabelled[i % len(unlabelled)]]
        frame = R.choice(FRAMES["en"])
        out.append({"lang": "en", "text": frame.replace("{w} {v}", f"{R.choice(NOT_LABELS)} {make()}"), "spans": []})
    for item in out:
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
