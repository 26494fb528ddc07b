"""Deterministic synthetic activity logs for the DuckDB cross-check.

`generate(directory)` writes two CSV sources with the same field layout:

* ``services.csv``: about 52,000 service records over the programme 2021-02-15 .. 2023-06-30
  (about 9,000 people who recur across periods, services and districts), plus a few planted
  invalid rows that logframe must reject and count;
* ``outreach.csv``: about 9,000 outreach contacts from 2021-09-01 on (so periods before that have
  no outreach data), part of them by people also present in ``services.csv``. Its record ids
  overlap the ids of ``services.csv`` on purpose: a key is unique per source, not across sources.

Everything comes from ``random.Random(SEED)``, so the files are byte-identical on every run.
Missing values are empty cells: sex ~2 %, age ~1 %, district ~1 %, disability ~0.5 %,
hours ~8 %. A small share of district names is written in Unicode NFD (decomposed), which
logframe must treat as the same value as the NFC spelling (SPEC section 6).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import unicodedata

SEED = 20211231
PROGRAMME_START = dt.date(2021, 2, 15)
PROGRAMME_END = dt.date(2023, 6, 30)
OUTREACH_START = dt.date(2021, 9, 1)
# No legal service is recorded after this day: the level indicator's "latest period with data"
# and zero-denominator ratios in the last months depend on it.
LEGAL_LAST_DAY = dt.date(2023, 4, 20)

DISTRICTS = ["Füzuli", "Ağcabədi", "Tərtər", "Bərdə"]
SERVICES = ["legal", "business", "psychosocial", "vocational_training"]
SERVICE_WEIGHTS = [20, 25, 35, 20]
COLUMNS = ["record_id", "visit_date", "person_id", "sex", "age", "district", "service",
           "disability", "hours", "cost_azn"]

SERVICE_ROWS = 52_000
OUTREACH_ROWS = 9_000
SERVICE_PEOPLE = 9_000
OUTREACH_ONLY_PEOPLE = 3_000


def _fmt_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


class _Person:
    __slots__ = ("pid", "sex", "age0", "home", "disability")

    def __init__(self, rng: random.Random, pid: str):
        self.pid = pid
        self.sex = "F" if rng.random() < 0.55 else "M"
        # Age at programme start; children, youth, adults and elderly all present.
        self.age0 = rng.choice([rng.randint(0, 17), rng.randint(18, 24), rng.randint(25, 59),
                                rng.randint(60, 88), rng.randint(0, 88)])
        self.home = rng.choice(DISTRICTS)
        self.disability = rng.random() < 0.12


def _record(rng: random.Random, person: _Person, day: dt.date, rid: str, service: str | None = None) -> dict:
    age = min(90, person.age0 + (day - PROGRAMME_START).days // 365)
    if rng.random() < 0.80:
        district = person.home
    else:
        district = rng.choice(DISTRICTS)
    if district in ("Ağcabədi", "Füzuli") and rng.random() < 0.02:
        district = unicodedata.normalize("NFD", district)  # same value, other byte spelling
    if service is None:
        while True:
            service = rng.choices(SERVICES, SERVICE_WEIGHTS)[0]
            if service != "legal" or day <= LEGAL_LAST_DAY:
                break
    hours = "" if rng.random() < 0.08 else "%.2f" % (rng.randint(1, 24) * 0.25)
    return {
        "record_id": rid,
        "visit_date": _fmt_date(day),
        "person_id": person.pid,
        "sex": "" if rng.random() < 0.02 else person.sex,
        "age": "" if rng.random() < 0.01 else str(age),
        "district": "" if rng.random() < 0.01 else district,
        "service": service,
        "disability": "" if rng.random() < 0.005 else ("yes" if person.disability else "no"),
        "hours": hours,
        "cost_azn": "%d.%02d" % divmod(rng.randint(500, 50_000), 100),
    }


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _write(path: str, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def generate(directory: str) -> dict:
    """Writes services.csv and outreach.csv into `directory`; returns what was planted."""
    rng = random.Random(SEED)
    people = [_Person(rng, "P%05d" % i) for i in range(1, SERVICE_PEOPLE + 1)]
    outreach_only = [_Person(rng, "Q%05d" % i) for i in range(1, OUTREACH_ONLY_PEOPLE + 1)]

    # --- services ---------------------------------------------------------------------------
    days = sorted(_random_day(rng, PROGRAMME_START, PROGRAMME_END) for _ in range(SERVICE_ROWS - 2))
    days = [PROGRAMME_START] + days + [PROGRAMME_END]  # the first and the last day of the programme
    services = [_record(rng, rng.choice(people), day, "R%06d" % (i + 1)) for i, day in enumerate(days)]

    # Planted invalid rows: each breaks exactly one rule and must be rejected and counted.
    # (reason, row); the duplicate repeats the key of an earlier, valid row.
    def bad(**changes) -> dict:
        row = _record(rng, rng.choice(people), _random_day(rng, PROGRAMME_START, PROGRAMME_END),
                      "X%06d" % rng.randint(1, 999_999))
        row.update(changes)
        return row

    planted = [
        ("date before the programme", bad(visit_date="14.02.2021")),
        ("date after the programme", bad(visit_date="01.07.2023")),
        ("date far outside the programme", bad(visit_date="15.03.2019")),
        ("impossible date", bad(visit_date="31.02.2022")),
        ("age not a number", bad(age="abc")),
        ("age above max", bad(age="150")),
        ("sex not in list", bad(sex="X")),
        ("district not in list", bad(district="Bakı")),
        ("service not in list", bad(service="medical")),
        ("disability not a boolean", bad(disability="maybe")),
        ("hours not a number", bad(hours="1,5")),
        ("person_id missing", bad(person_id="")),
        ("duplicate record_id", bad(record_id=services[1234]["record_id"], cost_azn="99999.99")),
        ("duplicate record_id", bad(record_id=services[40000]["record_id"], service="legal",
                                    visit_date=services[40000]["visit_date"])),
    ]
    # Insert each after its key's first occurrence, at a random place.
    for _, row in planted:
        if row["record_id"].startswith("R"):
            first = int(row["record_id"][1:])
            position = rng.randint(first, len(services))
        else:
            position = rng.randint(0, len(services))
        services.insert(position, row)

    # --- outreach ---------------------------------------------------------------------------
    pool = rng.sample(people, 3_600) + outreach_only
    odays = sorted(_random_day(rng, OUTREACH_START, PROGRAMME_END) for _ in range(OUTREACH_ROWS))
    outreach = [_record(rng, rng.choice(pool), day, "R%06d" % (i + 1)) for i, day in enumerate(odays)]

    services_path = os.path.join(directory, "services.csv")
    outreach_path = os.path.join(directory, "outreach.csv")
    _write(services_path, services)
    _write(outreach_path, outreach)
    return {
        "services": {"path": services_path, "rows": len(services), "rejected": len(planted)},
        "outreach": {"path": outreach_path, "rows": len(outreach), "rejected": 0},
        "planted": [reason for reason, _ in planted],
    }


if __name__ == "__main__":
    import sys
    import json

    target = sys.argv[1] if len(sys.argv) > 1 else "."
    print(json.dumps(generate(target), indent=2, ensure_ascii=False))
