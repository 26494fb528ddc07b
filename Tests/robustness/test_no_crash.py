"""Malformed input never crashes logframe: seeded mutations of a definitions file, a CSV log and
an XML log (bytes flipped, truncated, duplicated, spliced), each run through `validate`,
`report` and `explain`. The splices include deep and long expressions (thousands of
parentheses, `not`, `-`, chained `+`/`or`). Every run must end with exit code 0 or 1 (1 = problems found in the user's files),
never a signal, a stack trace or exit 2, and within a time limit."""
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    candidate = ROOT / ".build" / "debug" / "logframe"
    if not candidate.exists():
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    return str(candidate)


DEFS = """logframe: 1
programme:
  id: FUZZ
  title: {en: Fuzz, az: Füzuli}
  start: 2021-01-01
  end: 2021-12-31
  periods: quarterly
sources:
  services:
    path: services.csv
    key: id
    date: date
    fields:
      id: text
      date: {type: date, format: dd.MM.yyyy, required: true}
      centre: {type: text, in: [Füzuli, Ağcabədi, Tərtər]}
      person: text
      age: {type: integer, min: 0, max: 120}
      hours: number
      help: {type: choices, in: [food, cash, legal]}
    rules:
      - check: age >= 18 or centre != "Tərtər"
        severity: warning
        message: Adults only in Tərtər
  meetings:
    path: meetings.xml
    record: /meetings/meeting
    key: id
    date: date
    fields:
      id: {path: "@id", type: text}
      date: {path: date, type: date}
      people: {path: people/@count, type: integer}
      org: {path: ../@org, type: text}
dimensions:
  centre: {field: centre}
  age: {field: age, bands: [18, 60]}
results:
  - id: OP1
    level: output
    title: Services
    indicators:
      - id: OP1.1
        title: People
        source: services
        value: distinct(person where has(help, "cash") or hours > 1.5)
        by: [centre, age, [centre, age]]
        target: {value: 10, date: 2021-12-31}
        milestones: {2021-Q2: 4}
      - id: OP1.2
        title: Share
        source: services
        value: percent(count(where age < 18), count())
      - id: OP1.3
        title: Meetings
        source: meetings
        value: sum(people)
      - {id: OP1.4, title: Derived, value: $OP1.1 - $OP1.3}
"""

CSV = '''id,date,centre,person,age,hours,help
1,05.01.2021,Füzuli,P1,30,1.25,food cash
2,06.02.2021,Tərtər,"P2, ""junior""",12,2,legal
3,"07.04.2021",Ağcabədi,P3,70,,cash
4,08.07.2021,Füzuli,P1,30,0.5,
'''

XML = """<?xml version="1.0" encoding="UTF-8"?>
<meetings org="Ağcabədi İH">
  <meeting id="m1"><date>2021-01-10</date><people count="8"/></meeting>
  <meeting id="m2"><date>2021-02-11</date><people count="12"/></meeting>
</meetings>
"""

SPLICES = [b"\x00", b"\xff\xfe", b"\"", b"\n", b"\r", b",", b":", b"- ", b"&", b"<", b"<!DOCTYPE x [<!ENTITY a \"b\">]>",
           b"*alias", b"&anchor ", b"{", b"[", b"]]", b"\xc3", b"\xe2\x80", b"9" * 40, b"-", b"\t", b"#", b"'", b"$",
           b"where", b"(((((", b"))", b"count(", b"1e999", b"2021-13-45", b"\xef\xbb\xbf",
           # Deep and long expressions (issue 16): each must give a diagnostic, never a crash.
           b"(" * 5000, b")" * 5000, b"not " * 20000, b"-" * 20000, b"[" * 3000, b"abs(" * 3000,
           b" + count()" * 3000, b" or age == 1" * 20000, b" and has(help, \"cash\")" * 2000, b"$OP1.4 + " * 500]
DEEP = SPLICES[-10:]
# Where an expression starts in the definitions: deep splices also land there, so they reach the parser.
EXPRESSION_STARTS = [b"value: ", b"check: ", b"value: distinct(", b"where "]


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        pos = rng.randrange(len(data) + 1)
        start = data.find(rng.choice(EXPRESSION_STARTS))
        if rng.random() < 0.15 and start >= 0:
            end = start + len(b"value: ")
            data[end:end] = rng.choice(DEEP)                      # a deep or long expression
        elif choice < 0.25 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice < 0.45:
            data[pos:pos] = rng.choice(SPLICES)
        elif choice < 0.6:
            del data[pos:pos + rng.randint(1, 20)]
        elif choice < 0.7:
            data = data[:pos]                                   # truncated
        elif choice < 0.85 and data:
            start = rng.randrange(len(data))
            data[pos:pos] = data[start:start + rng.randint(1, 60)]  # duplicated piece
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def run(args, cwd):
    return subprocess.run([binary(), *args], cwd=cwd, capture_output=True, timeout=60)


CASES = int(os.environ.get("FUZZ_CASES", "150"))


@pytest.mark.parametrize("target", ["defs.yml", "services.csv", "meetings.xml"])
def test_mutated_inputs_never_crash(target):
    rng = random.Random(f"logframe-{target}")
    originals = {"defs.yml": DEFS.encode(), "services.csv": CSV.encode(), "meetings.xml": XML.encode()}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # The unmutated programme is valid: exit 0 or 1 (rule warnings, planted problems are none).
        for name, data in originals.items():
            (tmp / name).write_bytes(data)
        baseline = run(["validate", "defs.yml"], tmp)
        assert baseline.returncode == 0, baseline.stderr.decode(errors="replace")
        for case in range(CASES):
            mutated = mutate(originals[target], rng)
            (tmp / target).write_bytes(mutated)
            for args in (["validate", "defs.yml"], ["report", "defs.yml", "--format", "json", "--as-of", "2021-12-31"],
                         ["explain", "defs.yml", "OP1.1", "--rows", "all", "--as-of", "2021-12-31"]):
                result = run(args, tmp)
                # explain names an indicator: a mutation may rename it, which is a usage error (2).
                usage = args[0] == "explain" and result.returncode == 2 and b"unknown indicator" in result.stderr
                if result.returncode not in (0, 1) and not usage:
                    keep = Path(tempfile.mkdtemp(prefix="logframe-crash-")) / target
                    keep.write_bytes(mutated)
                    failures.append(f"case {case} {args[0]}: exit {result.returncode}, input kept at {keep}\n"
                                    + result.stderr.decode(errors="replace")[-600:])
                elif result.returncode == 1 and not result.stderr:
                    failures.append(f"case {case} {args[0]}: exit 1 without a diagnostic")
    assert not failures, "\n\n".join(failures[:5])
