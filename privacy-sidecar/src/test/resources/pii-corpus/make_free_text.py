#!/usr/bin/env python3
"""Generates free-text.jsonl: counselling notes, chat messages, e-mail signatures and forms in the
dev corpus's format, with names without titles, the world's phone formats, the new identifier
types (KE_KRA_PIN, UG_NIN) and distractors. Seeded, so the file is reproducible:

    python3 make_free_text.py > free-text.jsonl
"""
import json
import random

rng = random.Random(15)

GIVEN = ["Amina", "Wanjiru", "Achieng", "Baraka", "Otieno", "Fatuma", "Kiprop", "Chebet", "Nafula", "Halima", "Juma",
         "Neema", "Zawadi", "Mwende", "David", "Anna", "Peter", "Mary", "Grace", "Joseph", "Aisha", "Hassan", "Priya",
         "Rahul", "Sofia", "Carlos", "Ahmed", "Layla", "Tigist", "Dawit", "Nakato", "Mugisha", "Wambui", "Kevin",
         "Brian", "Faith", "Esther", "Samuel", "Moraa", "Kerubo", "Abdi", "Hodan", "Yusuf", "Rehema", "Musa"]
SURNAMES = ["Wanjiru", "Otieno", "Odhiambo", "Kamau", "Mwangi", "Kiprotich", "Wafula", "Hassan", "Mohamed", "Njoroge",
            "Okello", "Nakato", "Mugisha", "Johnson", "Smith", "Patel", "Garcia", "Haddad", "Bekele", "Tesfaye",
            "Ochieng", "Kariuki", "Mutua", "Barasa", "Nyambura", "Ali", "Abdullahi", "Onyango", "Kimani", "Rotich"]
PLACES = ["Nairobi", "Kisumu", "Mombasa", "Kampala", "Eldoret", "Nakuru", "Arusha", "Kigali"]


def luhn_ok(n):
    s = 0
    for i, ch in enumerate(reversed(n)):
        d = int(ch)
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        s += d
    return s % 10 == 0


def card():
    prefix = rng.choice(["4", "51", "55", "2221", "6759", "5019", "62", "6011", "35"])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(15 - len(prefix)))
    for d in "0123456789":
        if luhn_ok(body + d):
            n = body + d
            return rng.choice([n, " ".join(n[i:i + 4] for i in range(0, 16, 4)), "-".join(n[i:i + 4] for i in range(0, 16, 4))])


def not_card():
    while True:
        n = "".join(rng.choice("0123456789") for _ in range(16))
        if not luhn_ok(n):
            return "-".join(n[i:i + 4] for i in range(0, 16, 4))


def phone():
    kind = rng.randrange(7)
    if kind == 0:
        return "07%02d %03d %03d" % (rng.randrange(10, 99), rng.randrange(1000), rng.randrange(1000))
    if kind == 1:
        return "+254 7%02d %03d %03d" % (rng.randrange(10, 99), rng.randrange(1000), rng.randrange(1000))
    if kind == 2:
        return "+256 7%d%d %06d" % (rng.choice([0, 5, 7, 8]), rng.randrange(10), rng.randrange(10 ** 6))
    if kind == 3:
        return "(%d) %03d-%04d" % (rng.choice([212, 415, 617, 202, 312]), rng.randrange(200, 999), rng.randrange(10 ** 4))
    if kind == 4:
        return "+44 20 7%03d %04d" % (rng.randrange(1000), rng.randrange(10 ** 4))
    if kind == 5:
        return "2547%02d%06d" % (rng.randrange(10, 99), rng.randrange(10 ** 6))
    return "+255 7%d%d %03d %03d" % (rng.choice([1, 5, 6, 8]), rng.randrange(10), rng.randrange(1000), rng.randrange(1000))


def person():
    g = rng.choice(GIVEN)
    s = rng.choice([x for x in SURNAMES if x != g])
    return rng.choice([g + " " + s, g + " " + s, g])


def dob():
    y, m, d = rng.randrange(1940, 2008), rng.randrange(1, 13), rng.randrange(1, 29)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return rng.choice(["%02d/%02d/%d" % (d, m, y), "%d-%02d-%02d" % (y, m, d), "%d %s %d" % (d, months[m - 1], y),
                       "%02d-%s-%d" % (d, months[m - 1], y), "%d/%02d/%02d" % (y, m, d)])


def kra():
    return rng.choice("AP") + "%09d" % rng.randrange(10 ** 9) + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")


def nin():
    return "C" + rng.choice("MF") + "%02d" % rng.randrange(100) + "%07d" % rng.randrange(10 ** 7) + "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))


def email(name):
    local = name.lower().replace(" ", ".")
    return local + "@" + rng.choice(["example.com", "mail.co.ke", "clinic.example.org", "xn--mnchen-3ya.de"])


TEMPLATES = [
    lambda: [("Client ", None), (person(), "PERSON"), (" reported feeling anxious since the last session in ", None),
             (rng.choice(PLACES), None), (".", None)],
    lambda: [("Hi ", None), (person(), "PERSON"), (", your appointment moved to Monday. Call ", None), (phone(), "PHONE"),
             (" if that is a problem.", None)],
    lambda: [("Thanks for today.\nRegards,\n", None), (person(), "PERSON"), ("\nCase Manager, Tumaini Counselling\n", None),
             (phone(), "PHONE")],
    lambda: [("Name: ", None), (person(), "PERSON"), ("\nPhone: ", None), (phone(), "PHONE"), ("\nDOB: ", None),
             (dob(), "DATE_OF_BIRTH")],
    lambda: [("Patient name: ", None), (person(), "PERSON"), ("; KRA PIN ", None), (kra(), "KE_KRA_PIN"),
             ("; invoice 4471023 paid.", None)],
    lambda: [("NIN ", None), (nin(), "UG_NIN"), (" verified for ", None), (person(), "PERSON"), (" at the Kampala office.", None)],
    lambda: [("my name is ", None), (person(), "PERSON"), (" and my email is ", None),
             (email(rng.choice(GIVEN) + " " + rng.choice(SURNAMES)), "EMAIL")],
    lambda: [("Session with ", None), (person(), "PERSON"), (" postponed; card ", None), (card(), "CREDIT_CARD"),
             (" refunded. Order ", None), (not_card(), None), (" is unrelated.", None)],
    lambda: [("She was born in ", None), (rng.choice(PLACES), None), (" on ", None), (dob(), "DATE_OF_BIRTH"),
             (". Follow-up on 12/05/2026 with Grace period noted.", None)],
    lambda: [("Login for ", None), (person(), "PERSON"), (" from ", None),
             ("%d.%d.%d.%d" % (rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)), "IP_ADDRESS"),
             (":443 was blocked.", None)],
    lambda: [("Jina langu ni ", None), (person(), "PERSON"), (", namba yangu ya simu ni ", None), (phone(), "PHONE"), (".", None)],
    lambda: [("Dear ", None), (rng.choice(GIVEN), "PERSON"), (",\nThe Sister City programme in Ms Word format is attached.", None)],
    lambda: [("Referred by ", None), (person(), "PERSON"), (". Release 2.14.1 of the app, room 1203, batch 88213456.", None)],
    lambda: [("ID number ", None), ("%d" % rng.randrange(10 ** 7, 4 * 10 ** 7), "KE_NATIONAL_ID"), (" belongs to ", None),
             (person(), "PERSON"), ("; valid number 55512345 is a ticket.", None)],
    lambda: [("Mteja ", None), (person(), "PERSON"), (" alizaliwa tarehe ", None), (dob(), "DATE_OF_BIRTH"), (".", None)],
]


def main():
    for i in range(240):
        text = ""
        entities = []
        for piece, kind in rng.choice(TEMPLATES)():
            if kind:
                entities.append({"type": kind, "start": len(text), "end": len(text) + len(piece)})
            text += piece
        print(json.dumps({"id": 10000 + i, "text": text, "entities": entities}, ensure_ascii=False))


if __name__ == "__main__":
    main()
