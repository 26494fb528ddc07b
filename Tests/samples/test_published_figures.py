"""Every published figure of the five sample programmes, computed by logframe from the logs.

Each case names the programme, the as-of date, the indicator, where the figure sits in the JSON
report (the current value, or a period's cumulative value) and the published number. A second
test removes one qualifying record (all records of one person for distinct counts) from a copy
of the samples and checks that the figure moves: the figures are computed, not entered.
"""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    for config in ("debug", "release"):
        candidate = ROOT / ".build" / config / "logframe"
        if candidate.exists():
            return str(candidate)
    subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    return str(ROOT / ".build" / "debug" / "logframe")


def report(root, programme, as_of):
    run = subprocess.run([binary(), "report", f"indicators/{programme}.yml", "--format", "json", "--as-of", as_of],
                         cwd=root, capture_output=True, text=True)
    # Exit 1: the samples contain planted dirty rows, rejected and reconciled. Anything else is a failure.
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def figure(rep, indicator, where):
    ind = next(i for i in rep["indicators"] if i["id"] == indicator)
    if where == "current":
        return ind["current"]
    kind, period = where.split("@")
    return next(p for p in ind["periods"] if p["id"] == period)[kind]


# (programme, as-of, indicator, where, published figure)
PUBLISHED = [
    ("undp-crc", "2022-12-31", "OP1.1", "cumulative@2021-Q4", 275),
    ("undp-crc", "2022-12-31", "OP1.2", "cumulative@2021-Q4", 559),
    ("undp-crc", "2022-12-31", "OP1.3", "cumulative@2021-Q4", 370),
    ("undp-crc", "2022-12-31", "OP2.4", "current", 23),
    ("undp-crc", "2022-12-31", "OP3.1", "current", 9),
    ("undp-crc", "2022-12-31", "OP2.6", "current", 3),
    ("undp-crc", "2022-12-31", "OP2.1", "current", 23),       # community meetings, Jan-Feb 2021
    ("undp-crc", "2022-12-31", "OP2.2", "numerator@2021-Q1", 22),    # within the 10-participant limit
    ("undp-crc", "2022-12-31", "OP2.2", "denominator@2021-Q1", 23),
    ("article54", "2023-12-31", "OP1.1", "current", 8),
    ("article54", "2023-12-31", "OC1.1", "current", 14),
    ("article54", "2023-12-31", "OC1.2", "current", 7),
    ("article54", "2023-12-31", "OP2.1", "current", 1047),   # "more than 1,000"
    ("ecy-social-services", "2020-04-30", "OP2.1", "current", 94),
    ("ecy-social-services", "2020-04-30", "OP2.2", "current", 143),
    ("ecy-social-services", "2020-04-30", "OP1.1", "current", 19),
    ("ecy-social-services", "2020-04-30", "OP3.1", "current", 517),  # "more than 500"
    ("ecy-social-services", "2020-04-30", "OP3.2", "current", 112),  # "more than 100"
    ("ecy-social-services", "2020-04-30", "OP4.1", "current", 3),
    ("eu-unicef-child-protection", "2025-12-30", "OC2.1", "current", 6),
    ("right-to-the-city", "2023-08-31", "OP1.1", "current", 100),
    ("right-to-the-city", "2023-08-31", "OP1.2", "current", 9),
]


@pytest.mark.parametrize("programme,as_of,indicator,where,published", PUBLISHED)
def test_published_figure(programme, as_of, indicator, where, published):
    rep = report(ROOT, programme, as_of)
    assert figure(rep, indicator, where) == published
    for source in rep["sources"]:
        assert source["rowsRead"] == source["rowsUsed"] + source["rowsRejected"], source["id"]


def test_staff_by_profession():
    rep = report(ROOT, "ecy-social-services", "2020-04-30")
    ind = next(i for i in rep["indicators"] if i["id"] == "OP1.1")
    cells = {c["key"]["profession"]: c["value"] for b in ind["breakdowns"] if b["by"] == ["profession"] for c in b["cells"]}
    assert {k: v for k, v in cells.items() if v} == {
        "social_worker": 7, "psychologist": 3, "pedagogue": 3, "child_development": 2, "lawyer": 2, "regional_coordinator": 2}


MEETINGS = ROOT / "samples" / "undp-crc" / "meetings"
PLANTED_MEETING = "crc_community_meeting_2021-02-02_10-01-13.xml"   # 12 participants


def validate_json(root, definitions):
    run = subprocess.run([binary(), "validate", definitions, "--format", "json"], cwd=root, capture_output=True,
                         text=True)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def test_meetings_are_odk_submissions():
    files = sorted(MEETINGS.glob("*.xml"))
    assert len(files) == 23 and not (MEETINGS.parent / "meetings.csv").exists()
    ids = set()
    for path in files:
        data = ET.parse(path).getroot()
        assert (data.tag, data.get("id"), data.get("version")) == ("data", "crc_community_meeting", "2021011501")
        assert data[-1].tag == "meta" and data[-1][-1].tag == "instanceID"   # meta/instanceID last, as Collect writes
        ids.add(data.findtext("meta/instanceID"))
        people = data.findall("participants/participant")
        # participant_count is the form's calculate, count(${participant})
        assert int(data.findtext("participant_count")) == len(people), path.name
    assert len(ids) == 23


def test_pandemic_rule_warns_once_on_the_planted_meeting():
    rep = validate_json(ROOT, "indicators/undp-crc.yml")
    warnings = [d for d in rep["diagnostics"] if d["code"] == "rule-failed"]
    assert [(d["severity"], d["file"], d["line"]) for d in warnings] == [
        ("warning", f"samples/undp-crc/meetings/{PLANTED_MEETING}", 2)]   # line 2: the <data> record
    assert "at most 10 participants" in warnings[0]["message"]
    assert not [d for d in rep["diagnostics"] if "/meetings/" in (d["file"] or "") and d["severity"] == "error"]
    sources = {s["id"]: s for s in rep["summary"]["sources"]}
    assert (sources["meetings"]["rowsRead"], sources["meetings"]["rowsUsed"]) == (23, 23)   # a warning keeps the row
    assert len(sources["meetings"]["files"]) == 23
    planted = ET.parse(MEETINGS / PLANTED_MEETING).getroot()
    assert planted.findtext("participant_count") == "12" and len(planted.findall("participants/participant")) == 12


def test_meeting_participants_from_the_repeat():
    rep = report(ROOT, "undp-crc", "2022-12-31")
    ind = next(i for i in rep["indicators"] if i["id"] == "OP2.3")
    total = sum(int(ET.parse(p).getroot().findtext("participant_count")) for p in MEETINGS.glob("*.xml"))
    assert ind["current"] == total == 179
    cells = {b["by"][0]: {c["key"][b["by"][0]]: c["value"] for c in b["cells"] if c["value"]}
             for b in ind["breakdowns"] if len(b["by"]) == 1}
    assert cells["district"] == {"Füzuli": 67, "Ağcabədi": 61, "Tərtər": 51}
    assert cells["sex"] == {"F": 75, "M": 104}
    assert cells["role"]["executive_authority"] == 23   # the district executive authority at every meeting


def test_fixing_the_planted_meeting_clears_the_warning():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "indicators").mkdir()
        shutil.copy(ROOT / "indicators" / "undp-crc.yml", root / "indicators")
        shutil.copytree(ROOT / "samples" / "undp-crc", root / "samples" / "undp-crc")
        path = root / "samples" / "undp-crc" / "meetings" / PLANTED_MEETING
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("<participant_count>12</participant_count>",
                                     "<participant_count>10</participant_count>"), encoding="utf-8")
        rep = validate_json(root, "indicators/undp-crc.yml")
        assert not [d for d in rep["diagnostics"] if d["code"] == "rule-failed"]
        after = report(root, "undp-crc", "2022-12-31")
    assert figure(after, "OP2.2", "numerator@2021-Q1") == 23


# (programme, as-of, indicator, where, file, predicate picking the records to remove, expected change)
REMOVALS = [
    ("undp-crc", "2022-12-31", "OP1.2", "cumulative@2021-Q4", "applications.csv",
     lambda r: r["service"] == "legal" and r["date"].endswith("2021") and r["centre"] == "Tərtər", "person_id"),
    ("undp-crc", "2022-12-31", "OP2.6", "current", "projects.csv", lambda r: r["status"] == "completed", None),
    ("article54", "2023-12-31", "OC1.1", "current", "campaigns.csv", lambda r: r["start_date"] >= "2016", None),
    ("ecy-social-services", "2020-04-30", "OP2.2", "current", "services.csv", lambda r: r["category"] != "neglected"
     and r["category"] != "family", None),
    ("right-to-the-city", "2023-08-31", "OP1.1", "current", "attendance.csv",
     lambda r: r["sex"] == "F" and r["region"] == "Quba", "participant_id"),
]


@pytest.mark.parametrize("programme,as_of,indicator,where,name,qualifies,person", REMOVALS)
def test_removing_a_qualifying_record_changes_the_figure(programme, as_of, indicator, where, name, qualifies, person):
    before = figure(report(ROOT, programme, as_of), indicator, where)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "indicators").mkdir()
        shutil.copy(ROOT / "indicators" / f"{programme}.yml", root / "indicators")
        shutil.copytree(ROOT / "samples" / programme, root / "samples" / programme)
        path = root / "samples" / programme / name
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            fields = list(rows[0].keys())
        victim = next(r for r in rows if qualifies(r))
        # For a distinct count remove every record of that person, else only the one record.
        keep = [r for r in rows if (r[person] != victim[person] if person else r is not victim)]
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(keep)
        after = figure(report(root, programme, as_of), indicator, where)
    assert after == before - 1
