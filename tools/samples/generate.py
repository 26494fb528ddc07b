#!/usr/bin/env python3
"""Generate the sample activity logs under samples/ for the five programmes.

Deterministic (fixed seeds), standard library only:

    python3 tools/samples/generate.py            # writes samples/<programme>/*.csv (and *.xml)

Every published figure (see samples/README.md) is built in exactly: the clean rows produce the
figure, and the planted dirty rows (duplicate keys, typo'd places, dates outside the programme)
are extra rows whose rejection by `logframe validate` leaves the figures unchanged.
"""

import csv
import datetime as dt
import os
import random
import shutil
import uuid
from xml.sax.saxutils import escape

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SAMPLES = os.path.join(ROOT, "samples")

FEMALE = ["Aynur", "Gülnarə", "Şəhla", "Ülviyyə", "Səbinə", "Nərgiz", "Günel", "Leyla", "Aysel",
          "Könül", "Zərifə", "Sevinc", "Təranə", "Xədicə", "Məleykə", "Nigar", "Fidan", "Lalə",
          "Rəna", "Gülşən", "Sevda", "Aytən", "Samirə", "İlahə", "Nuranə", "Esmira", "Pərvanə",
          "Şəfəq", "Kəmalə", "Mətanət", "Yeganə", "Zülfiyyə", "Gülər", "Ruhiyyə", "Aidə"]
MALE = ["Elçin", "Rəşad", "Vüqar", "Orxan", "Tural", "Kamran", "Ramil", "Fərid", "Anar", "Elnur",
        "Səbuhi", "İlkin", "Nihad", "Cavid", "Əli", "Mübariz", "Zaur", "Rövşən", "Şahin", "Natiq",
        "Həsən", "Hüseyn", "Əkbər", "Ceyhun", "Emin", "Rüfət", "Vüsal", "Tofiq", "Qəşəm", "Yaşar"]
SURNAMES = ["Məmmədov", "Həsənov", "Əliyev", "Quliyev", "İsmayılov", "Hüseynov", "Abbasov",
            "Rəhimov", "Səfərov", "Cəfərov", "Nəsirov", "Bağırov", "Qasımov", "Kərimov", "Orucov",
            "Vəliyev", "Süleymanov", "Musayev", "Babayev", "Nağıyev", "Şükürov", "Əhmədov",
            "Qurbanov", "Rzayev", "Mirzəyev", "Allahverdiyev", "Fərzəliyev", "Hacıyev", "Zeynalov"]


def full_name(rng, sex):
    first = rng.choice(FEMALE if sex == "F" else MALE)
    last = rng.choice(SURNAMES)
    return f"{first} {last}{'a' if sex == 'F' else ''}"


def dmy(d):
    return d.strftime("%d.%m.%Y")


def iso(d):
    return d.isoformat()


def rand_date(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def workday(rng, start, end):
    while True:
        d = rand_date(rng, start, end)
        if d.weekday() < 5:
            return d


def write(programme, name, header, rows):
    folder = os.path.join(SAMPLES, programme)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])


def write_odk_meetings(programme, meetings):
    """One ODK Collect instance file per community meeting, in samples/<programme>/meetings/.

    The form (XLSForm id crc_community_meeting, version 2021011501): a `meeting` group, a
    `participants` group holding the `participant` repeat (name, sex, role), `participant_count`
    calculated by the form as count(${participant}), and `meta/instanceID` last, as Collect writes it.
    Files are named like Collect's instance folders (form id and the `start` time), so sorting the
    names sorts the meetings by date.
    """
    folder = os.path.join(SAMPLES, programme, "meetings")
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for m in meetings:
        start, end = m["start"], m["end"]
        lines = ["<?xml version='1.0' encoding='UTF-8' ?>",
                 '<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
                 'id="crc_community_meeting" version="2021011501">',
                 f"  <start>{start.isoformat(timespec='milliseconds')}</start>",
                 f"  <end>{end.isoformat(timespec='milliseconds')}</end>",
                 "  <meeting>",
                 f"    <date>{m['date']}</date>",
                 f"    <district>{escape(m['district'])}</district>",
                 f"    <settlement>{escape(m['settlement'])}</settlement>",
                 f"    <facilitator>{escape(m['facilitator'])}</facilitator>",
                 f"    <priority_need>{m['priority_need']}</priority_need>",
                 "  </meeting>",
                 "  <participants>"]
        for p in m["people"]:
            lines.append(f"    <participant><name>{escape(p['name'])}</name><sex>{p['sex']}</sex>"
                         f"<role>{p['role']}</role></participant>")
        lines += ["  </participants>",
                  f"  <participant_count>{len(m['people'])}</participant_count>",
                  "  <meta>",
                  f"    <instanceID>uuid:{m['uuid']}</instanceID>",
                  "  </meta>",
                  "</data>"]
        name = f"crc_community_meeting_{start.strftime('%Y-%m-%d_%H-%M-%S')}.xml"
        with open(os.path.join(folder, name), "w", newline="", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


def D(y, m, d):
    return dt.date(y, m, d)


# --------------------------------------------------------------------------------------------
# 1. UNDP CRC (seed 000)
# --------------------------------------------------------------------------------------------

def undp_crc():
    rng = random.Random(54000)
    P = "undp-crc"
    centres = ["Füzuli", "Ağcabədi", "Tərtər"]
    # Tərtər centre also serves Bərdə, Ağdam and Ağcabədi
    residence = {"Füzuli": ["Füzuli"] * 6 + ["Horadiz"] * 4,
                 "Ağcabədi": ["Ağcabədi"],
                 "Tərtər": ["Tərtər"] * 6 + ["Bərdə"] * 2 + ["Ağdam"] * 2 + ["Ağcabədi"]}
    # Phased opening: Füzuli mobile CRC from January, Tərtər and Ağcabədi from March 2021
    opens = {"Füzuli": D(2021, 1, 11), "Ağcabədi": D(2021, 3, 1), "Tərtər": D(2021, 3, 1)}

    # --- people who applied in 2021: exactly 275 business, 559 legal, 370 psychosocial -------
    # overlaps: 30 business+legal, 15 business+psychosocial, 60 legal+psychosocial, no triples
    people = []
    n = 0

    def new_person(services, child_ok):
        nonlocal n
        n += 1
        sex = "F" if rng.random() < 0.62 else "M"
        if child_ok and rng.random() < 0.22:
            age = rng.randint(7, 17)
        else:
            age = rng.choice([rng.randint(18, 34), rng.randint(35, 59), rng.randint(35, 59), rng.randint(60, 78)])
        centre = rng.choices(centres, weights=[40, 27, 33])[0]
        p = {"person_id": f"CRC-{n:05d}", "sex": sex, "age": age, "centre": centre,
             "residence": rng.choice(residence[centre]),
             "disability": "bəli" if rng.random() < 0.11 else "xeyr",
             "full_name": full_name(rng, sex), "services": services}
        people.append(p)
        return p

    combos = ([("business", "legal")] * 30 + [("business", "psychosocial")] * 15 +
              [("legal", "psychosocial")] * 60 + [("business",)] * (275 - 45) +
              [("legal",)] * (559 - 90) + [("psychosocial",)] * (370 - 75))
    rng.shuffle(combos)
    for c in combos:
        new_person(c, child_ok=(c == ("psychosocial",)))
    check = {s: sum(1 for p in people if s in p["services"]) for s in ("business", "legal", "psychosocial")}
    assert check == {"business": 275, "legal": 559, "psychosocial": 370}, check

    rows = []
    rid = 0

    def record(p, service, day, channel=None):
        nonlocal rid
        rid += 1
        rows.append({"record_id": f"İRM-{day.year}-{rid:05d}", "date": dmy(day), "centre": p["centre"],
                     "service": service, "person_id": p["person_id"], "full_name": p["full_name"],
                     "sex": p["sex"], "age": p["age"], "disability": p["disability"],
                     "residence": p["residence"],
                     "channel": channel or rng.choice(["mobile", "mobile", "centre", "phone"])})

    for p in people:
        for s in p["services"]:
            visits = rng.choices([1, 2, 3, 4], weights=[55, 28, 12, 5])[0]
            for _ in range(visits):
                record(p, s, workday(rng, opens[p["centre"]], D(2021, 12, 30)))
    # 2022: returning clients and new ones (the 2021 figures stay in 2021-Q4 cumulative)
    returning = rng.sample(people, 320)
    for p in returning:
        for s in p["services"]:
            record(p, s, workday(rng, D(2022, 1, 10), D(2022, 11, 30)))
    for c in ([("business",)] * 140 + [("legal",)] * 260 + [("psychosocial",)] * 190 + [("legal", "psychosocial")] * 25):
        p = new_person(c, child_ok=(c == ("psychosocial",)))
        for s in c:
            for _ in range(rng.choices([1, 2, 3], weights=[60, 30, 10])[0]):
                record(p, s, workday(rng, D(2022, 1, 10), D(2022, 12, 23)))
    rows.sort(key=lambda r: (r["date"][6:], r["date"][3:5], r["date"][:2], r["record_id"]))
    # renumber in date order so ids look like a register
    for i, r in enumerate(rows, 1):
        y = r["date"][6:]
        r["record_id"] = f"İRM-{y}-{i:05d}"

    # --- planted dirty rows ---
    # (a) a double-entered row: same record_id as a legal application of a person with other
    #     legal applications in 2021 (the later copy is rejected: duplicate-key)
    counts = {}
    for r in rows:
        if r["date"].endswith("2021"):
            counts[(r["person_id"], r["service"])] = counts.get((r["person_id"], r["service"]), 0) + 1
    multi = [r for r in rows if r["date"].endswith("2021") and r["service"] == "legal"
             and counts[(r["person_id"], "legal")] >= 2]
    dup = dict(multi[40])
    dup["channel"] = "centre"
    idx = rows.index(multi[40])
    rows.insert(idx + 3, dup)
    # (b) a typo'd centre ("Agcabedi", field-not-in-list) for a business client who has other
    #     business applications in 2021
    multi_b = [r for r in rows if r["date"].endswith("2021") and r["service"] == "business"
               and counts[(r["person_id"], "business")] >= 2]
    typo = dict(multi_b[10])
    typo["centre"] = "Agcabedi"
    typo["record_id"] = "İRM-2021-90001"
    rows.insert(rows.index(multi_b[10]) + 5, typo)
    # (c) an application dated before the programme (28.12.2020): date-outside-programme
    early = {"record_id": "İRM-2020-00007", "date": "28.12.2020", "centre": "Füzuli", "service": "psychosocial",
             "person_id": "CRC-09001", "full_name": "Xədicə Bağırova", "sex": "F", "age": 41,
             "disability": "xeyr", "residence": "Horadiz", "channel": "mobile"}
    rows.insert(0, early)
    write(P, "applications.csv",
          ["record_id", "date", "centre", "service", "person_id", "full_name", "sex", "age", "disability",
           "residence", "channel"], rows)

    # --- community meetings, January-February 2021 (ODK Collect submissions, one XML file each) ---
    settlements = {"Füzuli": ["Horadiz", "Qazaxlılar", "Əhmədalılar", "Yuxarı Kürdmahmudlu", "Aşağı Kürdmahmudlu"],
                   "Ağcabədi": ["Ağcabədi", "Hindarx", "Kəbirli", "Salmanbəyli", "Rəncbərlər"],
                   "Tərtər": ["Tərtər", "Qapanlı", "Şıxarx", "Hüsanlı", "Sarov"]}
    meetings = []
    k = 0
    for district, start in (("Füzuli", D(2021, 1, 12)), ("Ağcabədi", D(2021, 1, 19)), ("Tərtər", D(2021, 1, 20))):
        day = start
        for i in range(9 if district == "Füzuli" else 7):
            k += 1
            participants = rng.randint(6, 10)
            women = rng.randint(2, participants - 2)
            meetings.append({"meeting_id": f"ICL-{k:03d}", "date": iso(day), "district": district,
                             "settlement": settlements[district][i % 5],
                             "participants": participants, "women": women,
                             "executive_authority": "yes", "municipality": rng.choice(["yes", "yes", "no"]),
                             "facilitator": rng.choice(["Aynur Məmmədova", "Rəşad İsmayılov", "Ülviyyə Hüseynova"]),
                             "priority_need": rng.choice(["irrigation", "roads", "jobs", "psychosocial", "legal", "housing"])})
            day += dt.timedelta(days=rng.choice([3, 4, 5, 6]))
            if day > D(2021, 2, 26):
                day = D(2021, 2, 26)
    # planted: one meeting with 12 participants (breaks the pandemic rule; kept with a warning)
    meetings[12]["participants"] = 12
    meetings[12]["women"] = 5
    meetings.sort(key=lambda m: (m["date"], m["meeting_id"]))
    # The participant repeat, the start/end times and the instance ids come from a separate
    # generator so that the rows drawn after the meetings (trainings, ...) stay what they were.
    # Each meeting lists exactly `participants` people, `women` of them women: one from the
    # district executive authority, one municipality member when one attended, one village
    # representative, the rest residents.
    odk = random.Random(54010)
    seen_day = {}
    for m in meetings:
        sexes = ["F"] * m["women"] + ["M"] * (m["participants"] - m["women"])
        odk.shuffle(sexes)
        roles = (["executive_authority"] + (["municipality"] if m["municipality"] == "yes" else [])
                 + ["village_representative"])
        roles += ["resident"] * (len(sexes) - len(roles))
        people, names = [], set()
        for sex, role in zip(sexes, roles):
            name = full_name(odk, sex)
            while name in names:
                name = full_name(odk, sex)
            names.add(name)
            people.append({"name": name, "sex": sex, "role": role})
        odk.shuffle(people)   # the order people signed the attendance sheet
        m["people"] = people
        day = dt.date.fromisoformat(m["date"])
        nth = seen_day.get(day, 0)   # a second meeting the same day starts in the afternoon
        seen_day[day] = nth + 1
        tz = dt.timezone(dt.timedelta(hours=4))
        m["start"] = dt.datetime(day.year, day.month, day.day, 10 + 4 * nth, odk.randrange(60), odk.randrange(60),
                                 odk.randrange(1000) * 1000, tzinfo=tz)
        m["end"] = m["start"] + dt.timedelta(minutes=odk.randint(55, 110), seconds=odk.randrange(60))
        m["uuid"] = str(uuid.UUID(int=odk.getrandbits(128), version=4))
    write_odk_meetings(P, meetings)

    # --- training attendance register ---
    att = []
    a = 0

    def attend(session, day, district, course, topic, person):
        nonlocal a
        a += 1
        att.append({"record_id": f"TƏL-{a:04d}", "session_id": session, "date": dmy(day), "district": district,
                    "course": course, "topic": topic, "participant_id": person["id"],
                    "full_name": person["name"], "sex": person["sex"], "organisation": person["org"],
                    "position": person["position"]})

    pid = 0

    def person(org, district, position):
        nonlocal pid
        pid += 1
        sex = "F" if rng.random() < 0.4 else "M"
        return {"id": f"TP-{pid:03d}", "name": full_name(rng, sex), "sex": sex, "org": org,
                "district": district, "position": position}

    # CRC coordinators trained in centre management, community work, research (January 2021)
    coords = [person("crc", d, "CRC coordinator") for d in centres]
    for j, (day, topic) in enumerate(((D(2021, 1, 6), "centre_management"), (D(2021, 1, 7), "community_work"),
                                      (D(2021, 1, 8), "research_analysis"))):
        for c in coords:
            attend(f"S-CRC-{j + 1}", day, "Füzuli", "crc_management", topic, c)
    # August-September 2021: 23 staff of the three district executive authorities
    positions = ["sector head", "chief specialist", "leading specialist", "specialist", "village representative office"]
    exec_staff = {"Füzuli": [person("executive_authority", "Füzuli", rng.choice(positions)) for _ in range(8)],
                  "Tərtər": [person("executive_authority", "Tərtər", rng.choice(positions)) for _ in range(7)],
                  "Ağcabədi": [person("executive_authority", "Ağcabədi", rng.choice(positions)) for _ in range(8)]}
    assert sum(len(v) for v in exec_staff.values()) == 23
    topics = ["leadership", "communication", "problem_solving", "stress_management", "teamwork"]
    starts = {"Füzuli": D(2021, 8, 10), "Tərtər": D(2021, 8, 24), "Ağcabədi": D(2021, 9, 7)}
    for district, staff in exec_staff.items():
        for j, topic in enumerate(topics):
            day = starts[district] + dt.timedelta(days=j + (2 if j >= 3 else 0))
            present = [s for s in staff if rng.random() < 0.8]
            for s in staff:
                if j == 0 or s in present:
                    attend(f"S-{district[:3].upper()}-{j + 1}", day, district, "skills", topic, s)
    # "Effective communication skills" for executive authorities, village representatives, municipalities
    for district, day in (("Füzuli", D(2021, 10, 19)), ("Tərtər", D(2021, 10, 26)), ("Ağcabədi", D(2021, 11, 2))):
        group = rng.sample(exec_staff[district], 3)
        group += [person("village_representative", district, "village representative") for _ in range(4)]
        group += [person("municipality", district, "municipality member") for _ in range(5)]
        for s in group:
            attend(f"S-EUB-{district[:3].upper()}", day, district, "effective_communication", "communication", s)
    # planted: duplicate record id (double entry) and a typo'd district ("Terter")
    dup = dict(att[40])
    att.insert(45, dup)
    t = dict([r for r in att if r["district"] == "Tərtər" and r["course"] == "skills"][0])
    t["record_id"] = "TƏL-9001"
    t["district"] = "Terter"
    att.append(t)
    write(P, "trainings.csv", ["record_id", "session_id", "date", "district", "course", "topic", "participant_id",
                               "full_name", "sex", "organisation", "position"], att)

    # --- vocational courses: 9 women, 11 enrolments ---
    courses = ["graphic_design", "web_programming", "content_management"]
    women = [{"id": f"PK-{i:02d}", "name": full_name(rng, "F"), "age": rng.randint(19, 36),
              "centre": centres[i % 3]} for i in range(1, 10)]
    voc = []
    e = 0
    plan = [(w, courses[i % 3]) for i, w in enumerate(women)] + [(women[1], "content_management"), (women[3], "web_programming")]
    for w, c in plan:
        e += 1
        start = {"graphic_design": D(2021, 10, 4), "web_programming": D(2021, 10, 11), "content_management": D(2021, 11, 1)}[c]
        voc.append({"enrolment_id": f"PK-E{e:03d}", "start_date": iso(start), "centre": w["centre"], "course": c,
                    "person_id": w["id"], "full_name": w["name"], "sex": "F", "age": w["age"],
                    "completed": "yes" if rng.random() < 0.85 else "no"})
    write(P, "vocational.csv", ["enrolment_id", "start_date", "centre", "course", "person_id", "full_name", "sex",
                                "age", "completed"], voc)

    # --- community projects (status tracker; status_date = date of the current status) ---
    projects = [
        {"project_id": "ICL-L-01", "title": "Horadiz: kənd təsərrüfatı üçün suvarma su xəttinin çəkilməsi",
         "district": "Füzuli", "settlement": "Horadiz", "type": "irrigation", "status": "completed",
         "status_date": "2021-10-29", "budget_azn": "38500", "households": "146"},
        {"project_id": "ICL-L-02", "title": "Qazaxlılar kəndində yol örtüyünün çınqılla örtülməsi",
         "district": "Füzuli", "settlement": "Qazaxlılar", "type": "road_gravel", "status": "completed",
         "status_date": "2021-11-19", "budget_azn": "21300", "households": "212"},
        {"project_id": "ICL-L-03", "title": "Əhmədalılar kəndində yol örtüyünün çınqılla örtülməsi",
         "district": "Füzuli", "settlement": "Əhmədalılar", "type": "road_gravel", "status": "completed",
         "status_date": "2021-12-03", "budget_azn": "19850", "households": "178"},
        {"project_id": "ICL-L-04", "title": "Hindarx kəndində içməli su xəttinin təmiri",
         "district": "Ağcabədi", "settlement": "Hindarx", "type": "water", "status": "ongoing",
         "status_date": "2022-03-14", "budget_azn": "27400", "households": "95"},
        {"project_id": "ICL-L-05", "title": "Qapanlı kəndində uşaq meydançasının bərpası",
         "district": "Tərtər", "settlement": "Qapanlı", "type": "public_space", "status": "planned",
         "status_date": "2022-05-20", "budget_azn": "15000", "households": "130"},
    ]
    write(P, "projects.csv", ["project_id", "title", "district", "settlement", "type", "status", "status_date",
                              "budget_azn", "households"], projects)


# --------------------------------------------------------------------------------------------
# 2. Article 54 (seed 001)
# --------------------------------------------------------------------------------------------

def article54():
    rng = random.Random(54001)
    P = "article54"
    regions8 = ["Gəncə", "Göyçay", "Şəki", "İmişli", "Lənkəran", "Kürdəmir", "Astara", "Şəmkir"]
    cbo_names = [("Gəncə", "Gəncə Gənc Vətəndaşlar İcması"), ("Gəncə", "Kəpəz Məhəllə Təşəbbüs Qrupu"),
                 ("Göyçay", "Göyçay Nar Bağçılar İcması"), ("Şəki", "Şəki Qadın Təşəbbüs Qrupu"),
                 ("İmişli", "İmişli Fermerlər İcması"), ("Lənkəran", "Lənkəran Sahil İcması"),
                 ("Lənkəran", "Lənkəran Gənclər Şəbəkəsi"), ("Kürdəmir", "Kürdəmir İcma Şurası"),
                 ("Astara", "Astara Ekoloji Təşəbbüs Qrupu"), ("Şəmkir", "Şəmkir Bələdiyyə İzləmə Qrupu"),
                 ("Şəmkir", "Şəmkir Qadınlar İcması")]
    cbos = []
    for i, (region, name) in enumerate(cbo_names, 1):
        founded = rand_date(rng, D(2016, 3, 1), D(2020, 10, 31))
        members = rng.randint(12, 45)
        cbos.append({"cbo_id": f"İƏT-{i:02d}", "name": name, "region": region, "founded": dmy(founded),
                     "members": members, "women_members": rng.randint(members // 4, members * 2 // 3),
                     "youth_members": rng.randint(members // 5, members // 2),
                     "registered": rng.choice(["bəli", "xeyr", "xeyr"])})
    # planted: a CBO whose region is typed in Latin transliteration ("Lenkoran") - rejected
    cbos.append({"cbo_id": "İƏT-12", "name": "Lənkəran Çay Bağçıları", "region": "Lenkoran",
                 "founded": "14.05.2021", "members": 9, "women_members": 3, "youth_members": 2, "registered": "xeyr"})
    write(P, "cbos.csv", ["cbo_id", "name", "region", "founded", "members", "women_members", "youth_members",
                          "registered"], cbos)

    # 14 advocacy campaigns with 7 CBOs
    partners = ["İƏT-01", "İƏT-03", "İƏT-04", "İƏT-06", "İƏT-08", "İƏT-09", "İƏT-10"]
    per = [3, 2, 2, 2, 2, 2, 1]
    themes = {"social": ["Məktəbəqədər təhsil müəssisəsinin açılması", "Sosial müavinətlərin vaxtında ödənilməsi",
                         "Əlilliyi olan şəxslər üçün pandus"],
              "gender": ["Qadınların bələdiyyə iclaslarında iştirakı", "Erkən nikahlara qarşı maarifləndirmə"],
              "environment": ["Çay sahilinin tullantılardan təmizlənməsi", "Meşə zolağının qorunması",
                              "Tullantıların çeşidlənməsi"],
              "infrastructure": ["Kənd yolunun təmiri", "İçməli su xəttinin çəkilməsi", "Küçə işıqlandırılması",
                                 "Avtobus dayanacağının tikilməsi", "Suvarma kanalının təmizlənməsi"]}
    camp = []
    c = 0
    theme_cycle = ["infrastructure", "social", "gender", "environment", "infrastructure", "social", "infrastructure"]
    for cbo, k in zip(partners, per):
        for j in range(k):
            c += 1
            theme = theme_cycle[(c + j) % len(theme_cycle)]
            start = rand_date(rng, D(2017, 2, 1), D(2023, 4, 30))
            camp.append({"campaign_id": f"KAM-{c:02d}", "title": rng.choice(themes[theme]), "cbo_id": cbo,
                         "theme": theme, "target": rng.choice(["local", "local", "central"]),
                         "start_date": iso(start), "end_date": iso(start + dt.timedelta(days=rng.randint(30, 150))),
                         "signatures": rng.randint(40, 900),
                         "outcome": rng.choice(["achieved", "partly_achieved", "pending", "achieved"])})
    assert c == 14
    # planted: a pilot campaign before the programme start - date-outside-programme
    camp.append({"campaign_id": "KAM-00", "title": "Küçə işıqlandırılması", "cbo_id": "İƏT-01",
                 "theme": "infrastructure", "target": "local", "start_date": "2015-09-14", "end_date": "2015-11-30",
                 "signatures": 120, "outcome": "achieved"})
    camp.sort(key=lambda r: r["start_date"])
    write(P, "campaigns.csv", ["campaign_id", "title", "cbo_id", "theme", "target", "start_date", "end_date",
                               "signatures", "outcome"], camp)

    # legal aid: 1,047 distinct beneficiaries ("more than 1,000"): 1,003 persons + 44 initiatives
    other_regions = ["Bakı", "Sumqayıt", "Mingəçevir", "Şirvan", "Quba", "Zaqatala", "Masallı", "Ağcabədi",
                     "Bərdə", "Tovuz", "Qax", "Salyan", "Sabirabad", "Xaçmaz"]
    regions_all = regions8 + other_regions
    issues = ["land", "social_benefits", "utilities", "municipal_decision", "labour", "pension", "housing"]
    bens = []
    for i in range(1, 1004):
        sex = "F" if rng.random() < 0.47 else "M"
        bens.append({"id": f"HY-{i:04d}", "type": "person", "sex": sex, "age": rng.randint(16, 79),
                     "region": rng.choice(regions8 * 3 + other_regions)})
    for i in range(1, 45):
        bens.append({"id": f"HY-T{i:03d}", "type": "initiative", "sex": "", "age": "",
                     "region": rng.choice(regions8 + regions8 + other_regions)})
    cases = []
    for b in bens:
        visits = rng.choices([1, 2, 3], weights=[75, 20, 5])[0]
        for _ in range(visits):
            day = rand_date(rng, D(2016, 4, 1), D(2023, 12, 22))
            if b["type"] == "initiative":
                issue, forum = "campaign_legal_support", rng.choice(["consultation", "administrative"])
            else:
                issue = rng.choice(issues)
                forum = rng.choices(["consultation", "administrative", "court"], weights=[50, 35, 15])[0]
            cases.append({"date": iso(day), "beneficiary_id": b["id"], "beneficiary_type": b["type"], "sex": b["sex"],
                          "age": b["age"], "region": b["region"], "issue": issue, "forum": forum,
                          "lawyer": rng.choice(["Elçin Həsənov", "Gülnarə Əliyeva", "Şəhla Quliyeva", "Anar Rzayev"])})
    cases.sort(key=lambda r: r["date"])
    for i, r in enumerate(cases, 1):
        r["case_id"] = f"HY-{r['date'][:4]}-{i:04d}"
    # planted dirty rows (beneficiaries all have other valid cases):
    persons_multi = {}
    for r in cases:
        persons_multi[r["beneficiary_id"]] = persons_multi.get(r["beneficiary_id"], 0) + 1
    multi = [r for r in cases if persons_multi[r["beneficiary_id"]] >= 2 and r["beneficiary_type"] == "person"]
    dup = dict(multi[100])                                   # duplicate case_id
    cases.insert(cases.index(multi[100]) + 2, dup)
    typo = dict(multi[200])
    typo["case_id"] = "HY-2020-9001"
    typo["region"] = "Semkir"                                # typo'd region
    cases.insert(cases.index(multi[200]) + 1, typo)
    late = dict(multi[300])
    late["case_id"] = "HY-2024-0001"
    late["date"] = "2024-01-16"                             # after the programme end
    cases.append(late)
    write(P, "legal_aid.csv", ["case_id", "date", "beneficiary_id", "beneficiary_type", "sex", "age", "region",
                               "issue", "forum", "lawyer"], cases)

    # participation in local decision-making events organised by the CBOs
    part = []
    k = 0
    for cbo in cbos[:11]:
        pool = []
        for i in range(rng.randint(25, 45)):
            sex = "F" if rng.random() < 0.44 else "M"
            age = rng.randint(16, 29) if rng.random() < 0.38 else rng.randint(30, 72)
            pool.append({"id": f"{cbo['cbo_id']}-Ü{i:02d}", "sex": sex, "age": age})
        for ev in range(rng.randint(3, 6)):
            day = rand_date(rng, D(2017, 1, 10), D(2023, 11, 30))
            etype = rng.choice(["community_meeting", "public_hearing", "municipal_session"])
            for p in rng.sample(pool, rng.randint(8, min(20, len(pool)))):
                part.append({"date": dmy(day), "cbo_id": cbo["cbo_id"],
                             "region": cbo["region"], "event_type": etype, "person_id": p["id"],
                             "sex": p["sex"], "age": p["age"]})
    part.sort(key=lambda r: (r["date"][6:], r["date"][3:5], r["date"][:2], r["person_id"]))
    for k, r in enumerate(part, 1):
        r["record_id"] = f"İŞ-{k:05d}"
    write(P, "participation.csv", ["record_id", "date", "cbo_id", "region", "event_type", "person_id", "sex", "age"], part)


# --------------------------------------------------------------------------------------------
# 3. Education Center for Youth, integrated social services (seed 002)
# --------------------------------------------------------------------------------------------

def ecy():
    rng = random.Random(54002)
    P = "ecy-social-services"
    regions = ["Ağcabədi", "Şirvan"]
    staff = []
    professions = ([("social_worker", r) for r in ["Ağcabədi"] * 4 + ["Şirvan"] * 3] +
                   [("psychologist", r) for r in ["Ağcabədi", "Ağcabədi", "Şirvan"]] +
                   [("pedagogue", r) for r in ["Ağcabədi", "Şirvan", "Şirvan"]] +
                   [("child_development", r) for r in ["Ağcabədi", "Şirvan"]] +
                   [("lawyer", r) for r in ["Ağcabədi", "Şirvan"]] +
                   [("regional_coordinator", r) for r in ["Ağcabədi", "Şirvan"]])
    for i, (prof, region) in enumerate(professions, 1):
        sex = "F" if rng.random() < 0.7 else "M"
        staff.append({"staff_id": f"GTM-{i:02d}", "full_name": full_name(rng, sex), "sex": sex,
                      "profession": prof, "region": region, "contract": rng.choice(["full_time", "part_time"])})
    write(P, "staff.csv", ["staff_id", "full_name", "sex", "profession", "region", "contract"], staff)
    workers = [s["staff_id"] for s in staff if s["profession"] in ("social_worker", "psychologist", "pedagogue",
                                                                    "child_development", "lawyer")]

    # case-management services: 94 for neglected / at-risk children, 143 for developmental
    # delays and disabilities, plus services to adults and families (category "family")
    types = {"neglected": ["social_benefit", "alimony", "psychological", "pedagogical", "documents"],
             "developmental": ["disability_registration", "wheelchair_equipment", "rehabilitation",
                               "psychological", "pedagogical", "social_benefit"],
             "family": ["social_benefit", "alimony", "documents", "legal_advice"]}
    services = []

    def children(n, prefix, age_range):
        out = []
        for i in range(n):
            sex = "F" if rng.random() < 0.46 else "M"
            out.append({"id": f"{prefix}-{i + 1:03d}", "sex": sex, "age": rng.randint(*age_range),
                        "region": rng.choice(regions), "case": f"KEYS-{prefix}-{i + 1:03d}"})
        return out

    def spread(people, total, category):
        # every person gets at least one service; the rest are repeat services
        seq = list(people) + [rng.choice(people) for _ in range(total - len(people))]
        for p in seq:
            day = workday(rng, D(2020, 3, 9), D(2020, 4, 30))
            services.append({"date": day, "region": p["region"], "case_id": p["case"], "child_id": p["id"],
                             "sex": p["sex"], "age": p["age"], "category": category,
                             "service_type": rng.choice(types[category]), "worker_id": rng.choice(workers)})

    spread(children(52, "UB", (3, 17)), 94, "neglected")
    spread(children(71, "UI", (1, 15)), 143, "developmental")
    spread(children(60, "AI", (19, 70)), 85, "family")
    services.sort(key=lambda r: (r["date"], r["case_id"]))
    for i, r in enumerate(services, 1):
        r["service_id"] = f"XİD-{i:04d}"
        r["date"] = dmy(r["date"])
    # planted: duplicate id (a family service entered twice) and a typo'd region, both on
    # family services, so the children's service counts are unaffected
    fam = [r for r in services if r["category"] == "family"]
    services.insert(services.index(fam[5]) + 1, dict(fam[5]))
    t = dict(fam[20])
    t["service_id"] = "XİD-9001"
    t["region"] = "Agcabedi"
    services.insert(services.index(fam[20]) + 1, t)
    write(P, "services.csv", ["service_id", "date", "region", "case_id", "child_id", "sex", "age", "category",
                              "service_type", "worker_id"], services)

    # assistance for the one-off 190 AZN payment: >500 people registered as unemployed on
    # e-sosial.az (517), >100 low-income families given food (112 households)
    assist = []
    for i in range(1, 518):
        sex = "F" if rng.random() < 0.55 else "M"
        region = rng.choice(regions)
        for _ in range(rng.choices([1, 2], weights=[88, 12])[0]):  # second contact = status follow-up
            assist.append({"date": workday(rng, D(2020, 4, 1), D(2020, 4, 30)), "region": region,
                           "assistance": "unemployment_registration", "person_id": f"ŞƏX-{i:04d}",
                           "household_id": f"AİL-{rng.randint(1, 470):04d}", "sex": sex,
                           "age": rng.randint(18, 62), "channel": rng.choice(["phone", "office", "home_visit"])})
    for i in range(1, 113):
        sex = "F" if rng.random() < 0.68 else "M"
        region = rng.choice(regions)
        for _ in range(rng.choices([1, 2], weights=[80, 20])[0]):  # some families received two deliveries
            assist.append({"date": workday(rng, D(2020, 3, 23), D(2020, 4, 30)), "region": region,
                           "assistance": "food_package", "person_id": f"ŞƏX-F{i:03d}",
                           "household_id": f"AİL-F{i:03d}", "sex": sex, "age": rng.randint(24, 80),
                           "channel": "home_visit"})
    assist.sort(key=lambda r: (r["date"], r["person_id"]))
    for i, r in enumerate(assist, 1):
        r["record_id"] = f"YAR-{i:04d}"
        r["date"] = iso(r["date"])
    # planted: a food delivery dated before the project start (01.03.2020) to a family that has
    # another delivery in the project period - date-outside-programme
    fam_rows = [r for r in assist if r["assistance"] == "food_package"]
    early = dict(fam_rows[3])
    early["record_id"] = "YAR-0000"
    early["date"] = "2020-03-02"
    assist.insert(0, early)
    write(P, "assistance.csv", ["record_id", "date", "region", "assistance", "person_id", "household_id", "sex",
                                "age", "channel"], assist)

    events = [
        {"event_id": "TƏD-01", "date": "2020-03-20", "city": "Şirvan", "type": "awareness", "partner": "UNICEF",
         "people_reached": 420, "materials": 600},
        {"event_id": "TƏD-02", "date": "2020-03-27", "city": "Ağcabədi", "type": "awareness", "partner": "UNICEF",
         "people_reached": 380, "materials": 550},
        {"event_id": "TƏD-03", "date": "2020-04-08", "city": "Bakı", "type": "blood_donation",
         "partner": "Heydər Əliyev Fondu", "people_reached": 46, "materials": 0},
        {"event_id": "TƏD-04", "date": "2020-04-10", "city": "Şirvan", "type": "awareness", "partner": "UNICEF",
         "people_reached": 510, "materials": 700},
        {"event_id": "TƏD-05", "date": "2020-04-13", "city": "Şirvan", "type": "blood_donation",
         "partner": "Heydər Əliyev Fondu", "people_reached": 38, "materials": 0},
        {"event_id": "TƏD-06", "date": "2020-04-15", "city": "Mingəçevir", "type": "blood_donation",
         "partner": "Heydər Əliyev Fondu", "people_reached": 41, "materials": 0},
        {"event_id": "TƏD-07", "date": "2020-04-22", "city": "Ağcabədi", "type": "awareness", "partner": "UNICEF",
         "people_reached": 450, "materials": 650},
    ]
    write(P, "events.csv", ["event_id", "date", "city", "type", "partner", "people_reached", "materials"], events)


# --------------------------------------------------------------------------------------------
# 4. EU / UNICEF child protection and social protection (seed 003)
# --------------------------------------------------------------------------------------------

def eu_unicef():
    rng = random.Random(54003)
    P = "eu-unicef-child-protection"
    six = ["Bərdə", "Tərtər", "Ağcabədi", "Füzuli", "Gəncə", "Mingəçevir"]
    districts = six + ["Şirvan", "Ağdam"]
    mech = []
    m = 0
    for d in six:
        for comp, when in (("coordination_group", rand_date(rng, D(2023, 4, 1), D(2024, 3, 31))),
                           ("referral_pathway", rand_date(rng, D(2023, 9, 1), D(2024, 12, 31))),
                           ("awareness_campaign", rand_date(rng, D(2024, 1, 15), D(2025, 6, 30)))):
            m += 1
            mech.append({"record_id": f"MEX-{m:02d}", "date": iso(when), "district": d, "component": comp,
                         "status": "functional", "members": rng.randint(6, 14) if comp == "coordination_group" else "",
                         "verified_by": rng.choice(["UNICEF field visit", "DSMF letter", "meeting minutes"])})
    for d in ("Şirvan", "Ağdam"):
        m += 1
        mech.append({"record_id": f"MEX-{m:02d}", "date": "2025-09-15", "district": d, "component": "coordination_group",
                     "status": "in_progress", "members": 5, "verified_by": "meeting minutes"})
    mech.sort(key=lambda r: r["date"])
    for k, r in enumerate(mech, 1):
        r["record_id"] = f"MEX-{k:02d}"
    write(P, "mechanisms.csv", ["record_id", "date", "district", "component", "status", "members", "verified_by"], mech)

    # MHPSS sessions: children (and some caregivers) in conflict-affected districts
    services = ["individual_counselling", "group_pss", "pfa", "specialised_referral"]
    mh = []
    for i in range(1, 1301):
        child = i <= 1180
        sex = "F" if rng.random() < 0.5 else "M"
        age = rng.randint(3, 17) if child else rng.randint(22, 60)
        dis = "bəli" if rng.random() < (0.09 if child else 0.04) else "xeyr"
        d = rng.choice(["Bərdə", "Tərtər", "Ağcabədi", "Füzuli", "Ağdam", "Tərtər", "Bərdə"])
        first = rand_date(rng, D(2023, 5, 2), D(2025, 10, 31))
        for j in range(rng.choices([1, 2, 3, 4, 6], weights=[40, 25, 15, 12, 8])[0]):
            day = first + dt.timedelta(days=14 * j)
            if day > D(2025, 12, 19):
                break
            mh.append({"date": day, "district": d, "person_id": f"PSD-{i:04d}", "sex": sex, "age": age,
                       "disability": dis, "service": rng.choice(services if child else ["group_pss", "pfa"]),
                       "provider": rng.choice(["UNICEF partner NGO", "DSMF social worker", "school psychologist"])})
    mh.sort(key=lambda r: (r["date"], r["person_id"]))
    for i, r in enumerate(mh, 1):
        r["session_id"] = f"PSD-S{i:05d}"
        r["date"] = dmy(r["date"])
    # planted: a duplicate session id, a typo'd district ("Terter"), a session after the end
    multi = {}
    for r in mh:
        multi[r["person_id"]] = multi.get(r["person_id"], 0) + 1
    cand = [r for r in mh if multi[r["person_id"]] >= 2 and r["age"] < 18]
    mh.insert(mh.index(cand[50]) + 1, dict(cand[50]))
    t = dict(cand[120])
    t["session_id"] = "PSD-S90001"
    t["district"] = "Terter"
    mh.insert(mh.index(cand[120]) + 1, t)
    late = dict(cand[200])
    late["session_id"] = "PSD-S90002"
    late["date"] = "12.01.2026"
    mh.append(late)
    write(P, "mhpss.csv", ["session_id", "date", "district", "person_id", "sex", "age", "disability", "service",
                           "provider"], mh)

    # case management by social workers (prevention of separation, reunification, violence response)
    cases = []
    for i in range(1, 421):
        sex = "F" if rng.random() < 0.49 else "M"
        ctype = rng.choices(["violence_response", "prevention_of_separation", "reunification"], weights=[45, 40, 15])[0]
        outcome = {"violence_response": rng.choice(["safety_plan", "referred", "closed", "open"]),
                   "prevention_of_separation": rng.choice(["family_preserved", "family_preserved", "open", "closed"]),
                   "reunification": rng.choice(["reunified", "reunified", "open", "foster_care"])}[ctype]
        refs = " ".join(sorted(rng.sample(["udsy", "disability_benefit", "child_allowance", "health", "education"],
                                          rng.choice([0, 1, 1, 2]))))
        cases.append({"opened": rand_date(rng, D(2023, 3, 1), D(2025, 11, 28)), "district": rng.choice(districts),
                      "child_id": f"UŞ-{i:04d}", "family_id": f"AİL-{(i * 7) % 380 + 1:04d}", "sex": sex,
                      "age": rng.randint(0, 17), "case_type": ctype, "outcome": outcome, "referrals": refs})
    cases.sort(key=lambda r: r["opened"])
    for i, r in enumerate(cases, 1):
        r["case_id"] = f"KM-{i:04d}"
        r["opened"] = iso(r["opened"])
    write(P, "casework.csv", ["case_id", "opened", "district", "child_id", "family_id", "sex", "age", "case_type",
                              "outcome", "referrals"], cases)


# --------------------------------------------------------------------------------------------
# 5. Right to the City (seed 004)
# --------------------------------------------------------------------------------------------

def right_to_the_city():
    rng = random.Random(54004)
    P = "right-to-the-city"
    days = {"Lənkəran": [D(2022, 10, 18), D(2022, 10, 19), D(2022, 10, 20)],
            "Quba": [D(2022, 10, 25), D(2022, 10, 26), D(2022, 10, 27)],
            "Zaqatala": [D(2022, 11, 8), D(2022, 11, 9), D(2022, 11, 10)]}
    sizes = {"Lənkəran": 34, "Quba": 33, "Zaqatala": 33}
    groups = ["initiative_group", "community", "entrepreneur", "ngo", "municipality"]
    women = []
    i = 0
    for region, n in sizes.items():
        for _ in range(n):
            i += 1
            women.append({"id": f"ŞH-{i:03d}", "name": full_name(rng, "F"), "region": region,
                          "age": rng.randint(19, 63), "group": rng.choice(groups),
                          "disability": "bəli" if rng.random() < 0.06 else "xeyr"})
    att = []
    for w in women:
        present = days[w["region"]] if rng.random() < 0.7 else sorted(rng.sample(days[w["region"]], 2))
        for d in present:
            att.append({"date": d, "region": w["region"], "participant_id": w["id"], "full_name": w["name"],
                        "sex": "F", "age": w["age"], "group": w["group"], "disability": w["disability"],
                        "trainer": "Fəxrəddin Həsənzadə" if d.day % 2 else "Gülnarə Əliyeva"})
    att.sort(key=lambda r: (r["date"], r["participant_id"]))
    for k, r in enumerate(att, 1):
        r["record_id"] = f"İŞT-{k:04d}"
        r["date"] = dmy(r["date"])
    # planted: a duplicate record id, a typo'd region ("Lenkeran"), and an orientation call dated
    # before the initiative started (25.08.2022) - all for women who attended other days
    att.insert(30, dict(att[29]))
    t = dict(att[10])
    t["record_id"] = "İŞT-9001"
    t["region"] = "Lenkeran"
    att.insert(11, t)
    early = dict(att[60])
    early["record_id"] = "İŞT-0000"
    early["date"] = "25.08.2022"
    att.insert(0, early)
    write(P, "attendance.csv", ["record_id", "date", "region", "participant_id", "full_name", "sex", "age", "group",
                                "disability", "trainer"], att)

    # perception survey (SDG 16.7.2 questions), baseline at the trainings and endline in June 2023.
    # q1: "How much say do women like you have in what the local authority does?"
    # q2: "How much does the local authority let women like you influence its decisions?"
    # 1 = not at all ... 5 = a great deal; empty = don't know / refused.
    # baseline: q1 36 of 90 answered 3-5 (40 %), q2 32 of 80 (40 %)  -> indicator 40.0
    # endline:  q1 57 of 95 answered 3-5 (60 %), q2 54 of 90 (60 %)  -> indicator 60.0
    def answers(n, valid, high):
        vals = [rng.randint(3, 5) for _ in range(high)] + [rng.randint(1, 2) for _ in range(valid - high)]
        vals += [""] * (n - valid)
        rng.shuffle(vals)
        return vals

    survey = []
    k = 0
    for wave, when, q1spec, q2spec in (("baseline", days, (90, 36), (80, 32)),
                                       ("endline", {"Lənkəran": [D(2023, 6, 12)], "Quba": [D(2023, 6, 14)],
                                                    "Zaqatala": [D(2023, 6, 16)]}, (95, 57), (90, 54))):
        q1 = answers(100, *q1spec)
        q2 = answers(100, *q2spec)
        for j, w in enumerate(women):
            k += 1
            survey.append({"response_id": f"SR-{k:04d}", "wave": wave, "date": iso(when[w["region"]][0]),
                           "region": w["region"], "respondent_id": w["id"], "age": w["age"],
                           "q1_say": q1[j], "q2_influence": q2[j]})
    write(P, "survey.csv", ["response_id", "wave", "date", "region", "respondent_id", "age", "q1_say",
                            "q2_influence"], survey)

    coal = [{"coalition_id": "KOA-1", "region": "Lənkəran", "formed": "2023-01-20", "members": 14,
             "recommendations": 3, "institutionalised": "yes"},
            {"coalition_id": "KOA-2", "region": "Quba", "formed": "2023-02-03", "members": 11,
             "recommendations": 2, "institutionalised": "yes"},
            {"coalition_id": "KOA-3", "region": "Zaqatala", "formed": "2023-02-17", "members": 12,
             "recommendations": 2, "institutionalised": "no"}]
    write(P, "coalitions.csv", ["coalition_id", "region", "formed", "members", "recommendations",
                                "institutionalised"], coal)


if __name__ == "__main__":
    undp_crc()
    article54()
    ecy()
    eu_unicef()
    right_to_the_city()
