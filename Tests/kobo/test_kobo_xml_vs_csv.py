"""The same KoboToolbox survey, read as XML submissions and as Kobo's CSV export, gives the same figures.

Fixture: `../shared/data/kobocat/nested_repeats` (kobotoolbox/kobocat, see PROVENANCE.txt): two
submissions of the form `nested_repeats` as instance files (`instances/*.xml`) and the CSV export
kobocat's own test expects for them (`nested_repeats.csv`). The survey has a repeat `kids_details`
(name, age) with a nested repeat `kids_immunization` (immunization_info), a non-repeated group
`nested_group` (nested_name, nested_age), a select_one `has_kids`, a select_multiple
`web_browsers`, a gps and `meta/instanceID` (written last).

One definitions file declares both readings of it:

- XML: `record: /nested_repeats` (a submission), `/nested_repeats/kids/kids_details` (a kid) and
  `/nested_repeats/kids/kids_details/kids_immunization` (an immunization), the submission's
  fields reached with `../..` (`../../meta/instanceID`, `../../address`, ...).
- CSV: the export is the kobocat/formhub WIDE layout (one row per submission; the repeat index is
  in the column name, `kids/kids_details[2]/kids_immunization[1]/immunization_info`), not the
  "repeats in separate sheets" layout; no separate repeat table exists for this survey. So each
  repeat *slot* of the header is one CSV source over the same file (generated from the header, so
  every slot the export has is read), joined to the submission source `csv_submissions` with
  `parent:` on `meta/instanceID`, and an indicator pools the slot sources (`source: [...]`).

Real differences between the two readings, and what the test does about them:

- The wide export pads a submission with fewer repeat instances than the widest one with `n/a`
  cells (submission 1 has 2 kids, the header has 3 kid slots). logframe reads `n/a` as data
  (a type error in an integer column, the text "n/a" in a text column; docs/definitions.md), so
  such a slot row is rejected: by the type check on `kids_age`, or by the rule
  `immunization_info != "n/a"`. The test asserts that the rejected rows are exactly the `n/a`
  slots counted from the CSV, and that the used rows equal the XML records. (An answer that is
  literally "n/a" could not be told from padding in this layout; there is none here.)
- select_multiple: the XML has `web_browsers` as "ie safari" (a `choices` field); the export splits
  it into True/False columns `web_browsers/<option>` (boolean fields). Compared per option.
- gps: the export splits it into `_gps_latitude`, ... ; the XML has one space-separated string and
  logframe has no function to split it, so gps is not compared.
- Dates: the instances have no date question; the export's `_submission_time` is server-side
  (forced to 2013-02-18T15:54:01 by the upstream test). Both readings are therefore undated
  sources (`date: none`, so no `undated-source` warning): every figure is in the current value and every cumulative period value, no period value.
"""
import csv
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KOBO = (ROOT.parent / "shared" / "data" / "kobocat" / "nested_repeats").resolve()
INSTANCES = sorted((KOBO / "instances").glob("*.xml"))
EXPORT = KOBO / "nested_repeats.csv"
AS_OF = "2013-12-31"

pytestmark = pytest.mark.skipif(not EXPORT.exists(), reason=f"Kobo fixture not found: {KOBO}")


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    candidate = ROOT / ".build" / "debug" / "logframe"
    if not candidate.exists():
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    return str(candidate)


# ---------------------------------------------------------------- the upstream files, read in Python

def export_header_and_rows():
    with open(EXPORT, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def slots():
    """The repeat slots of the wide export's header: kid slots [i], immunization slots [(i, j)]."""
    header, _ = export_header_and_rows()
    kids = [int(m.group(1)) for h in header
            if (m := re.fullmatch(r"kids/kids_details\[(\d+)\]/kids_name", h))]
    imms = [(int(m.group(1)), int(m.group(2))) for h in header
            if (m := re.fullmatch(r"kids/kids_details\[(\d+)\]/kids_immunization\[(\d+)\]/immunization_info", h))]
    browsers = [h.split("/", 1)[1] for h in header if h.startswith("web_browsers/")]
    return kids, imms, browsers


def local(tag):
    return tag.rsplit("}", 1)[-1]


def xml_truth():
    """Every figure, computed from the instance files with ElementTree."""
    subs, kids, imms = [], [], []
    for path in INSTANCES:
        root = ET.parse(path).getroot()
        assert local(root.tag) == "nested_repeats"
        uuid = root.find("meta/instanceID").text
        address = root.find("address").text
        subs.append({"uuid": uuid, "has_kids": root.find("kids/has_kids").text, "address": address,
                     "web_browsers": root.find("web_browsers").text.split(),
                     "nested_age": int(root.find("kids/nested_group/nested_age").text)})
        for kid in root.findall("kids/kids_details"):
            name = kid.find("kids_name").text
            kids.append({"uuid": uuid, "address": address, "name": name, "age": int(kid.find("kids_age").text)})
            for imm in kid.findall("kids_immunization"):
                imms.append({"uuid": uuid, "name": name, "info": imm.find("immunization_info").text})
    return subs, kids, imms


# ---------------------------------------------------------------- the definitions file

XML_GLOB = f"{KOBO}/instances/*.xml"


def definitions():
    kid_slots, imm_slots, browsers = slots()
    browser_fields = "".join(
        f'      browser_{b}: {{column: "web_browsers/{b}", type: boolean}}\n' for b in browsers)
    y = f"""logframe: 1
programme: {{id: KOBO-NESTED, title: Kobo nested_repeats read twice, start: 2013-01-01, end: 2013-12-31}}
sources:
  xml_submissions:
    path: "{XML_GLOB}"
    date: none
    record: /nested_repeats
    key: instance_id
    fields:
      instance_id: {{path: meta/instanceID, required: true, pattern: "uuid:[0-9a-f-]{{36}}"}}
      form_id: {{path: "@id", in: [nested_repeats]}}
      has_kids: {{path: kids/has_kids}}
      address: {{path: address}}
      web_browsers: {{path: web_browsers, type: choices}}
      nested_age: {{path: kids/nested_group/nested_age, type: integer}}
  xml_kids:
    path: "{XML_GLOB}"
    date: none
    record: /nested_repeats/kids/kids_details
    fields:
      submission: {{path: ../../meta/instanceID, required: true}}
      address: {{path: ../../address}}
      kids_name: {{required: true}}
      kids_age: {{type: integer}}
  xml_immunizations:
    path: "{XML_GLOB}"
    date: none
    record: /nested_repeats/kids/kids_details/kids_immunization
    fields:
      submission: {{path: ../../../meta/instanceID, required: true}}
      kids_name: {{path: ../kids_name, required: true}}
      immunization_info: {{required: true}}
  csv_submissions:
    path: "{EXPORT}"
    date: none
    key: instance_id
    fields:
      instance_id: {{column: meta/instanceID, required: true, pattern: "uuid:[0-9a-f-]{{36}}"}}
      has_kids: {{column: kids/has_kids}}
      address: {{column: address}}
      nested_age: {{column: kids/nested_group/nested_age, type: integer}}
{browser_fields}"""
    for i in kid_slots:
        y += f"""  csv_kids_{i}:
    path: "{EXPORT}"
    date: none
    parent: {{source: csv_submissions, key: submission}}
    fields:
      submission: {{column: meta/instanceID, required: true}}
      kids_name: {{column: "kids/kids_details[{i}]/kids_name", required: true}}
      kids_age: {{column: "kids/kids_details[{i}]/kids_age", type: integer}}
    rules:
      - check: kids_name != "n/a"
        message: no kid in this repeat slot (n/a padding of the wide export)
"""
    for i, j in imm_slots:
        y += f"""  csv_imm_{i}_{j}:
    path: "{EXPORT}"
    date: none
    parent: {{source: csv_submissions, key: submission}}
    fields:
      submission: {{column: meta/instanceID, required: true}}
      kids_name: {{column: "kids/kids_details[{i}]/kids_name", required: true}}
      immunization_info: {{column: "kids/kids_details[{i}]/kids_immunization[{j}]/immunization_info", required: true}}
    rules:
      - check: immunization_info != "n/a"
        message: no immunization in this repeat slot (n/a padding of the wide export)
"""
    csv_kids = "[" + ", ".join(f"csv_kids_{i}" for i in kid_slots) + "]"
    csv_imms = "[" + ", ".join(f"csv_imm_{i}_{j}" for i, j in imm_slots) + "]"

    y += """dimensions:
  has_kids: {field: has_kids}
  xml_address: {field: address}
  csv_address: {field: csv_submissions.address}
  submission: {field: submission}
  kid: {field: kids_name}
  age: {field: kids_age, bands: [3, 6]}
"""
    for b in browsers:
        y += f"""  xml_{b}: {{expr: 'has(web_browsers, "{b}")'}}\n"""
        y += f"  csv_{b}: {{field: browser_{b}}}\n"

    # (id, value on XML, value on CSV, XML source, CSV source, XML by, CSV by)
    pairs = [
        ("SUB", "count()", "count()", "xml_submissions", "csv_submissions",
         "[" + ", ".join(["has_kids"] + [f"xml_{b}" for b in browsers]) + "]",
         "[" + ", ".join(["has_kids"] + [f"csv_{b}" for b in browsers]) + "]"),
        ("SUB_NESTED_SUM", "sum(nested_age)", "sum(nested_age)", "xml_submissions", "csv_submissions", "[has_kids]", "[has_kids]"),
        ("SUB_NESTED_AVG", "avg(nested_age)", "avg(nested_age)", "xml_submissions", "csv_submissions", "[has_kids]", "[has_kids]"),
        ("KIDS", "count()", "count()", "xml_kids", csv_kids, "[xml_address, submission, age, [xml_address, age]]",
         "[csv_address, submission, age, [csv_address, age]]"),
        ("KIDS_DISTINCT", "distinct(submission, kids_name)", "distinct(submission, kids_name)", "xml_kids", csv_kids,
         "[age, xml_address]", "[age, csv_address]"),
        ("KIDS_SUBS", "distinct(submission)", "distinct(submission)", "xml_kids", csv_kids, "[age]", "[age]"),
        ("KIDS_AGE_SUM", "sum(kids_age)", "sum(kids_age)", "xml_kids", csv_kids, "[xml_address]", "[csv_address]"),
        ("KIDS_AGE_AVG", "avg(kids_age)", "avg(kids_age)", "xml_kids", csv_kids, "[xml_address]", "[csv_address]"),
        ("KIDS_UNDER3_PCT", "percent(count(where kids_age < 3), count())", "percent(count(where kids_age < 3), count())",
         "xml_kids", csv_kids, "[submission]", "[submission]"),
        ("IMM", "count()", "count()", "xml_immunizations", csv_imms, "[kid, submission]", "[kid, submission]"),
        ("IMM_KINDS", "distinct(immunization_info)", "distinct(immunization_info)", "xml_immunizations", csv_imms,
         "[submission]", "[submission]"),
        ("IMM_KIDS", "distinct(submission, kids_name)", "distinct(submission, kids_name)", "xml_immunizations", csv_imms,
         "[submission]", "[submission]"),
    ]
    for b in browsers:
        pairs.append((f"SUB_BROWSER_{b}", f'count(where has(web_browsers, "{b}"))', f"count(where browser_{b})",
                      "xml_submissions", "csv_submissions", f"[xml_{b}, has_kids]", f"[csv_{b}, has_kids]"))

    y += "results:\n  - id: R\n    level: output\n    title: Kobo nested_repeats\n    indicators:\n"
    for pid, xval, cval, xsrc, csrc, xby, cby in pairs:
        for side, val, src, by in (("X", xval, xsrc, xby), ("C", cval, csrc, cby)):
            y += f"""      - id: {side}_{pid}
        title: {pid} ({'XML' if side == 'X' else 'CSV'})
        source: {src}
        value: '{val}'
        by: {by}
"""
    return y, [p[0] for p in pairs]


# ---------------------------------------------------------------- running logframe

@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kobo")
    text, pair_ids = definitions()
    defs = folder / "kobo.yml"
    defs.write_text(text, encoding="utf-8")
    # The fixture lives outside this folder: a trusted run names it with --allow-outside.
    proc = subprocess.run([binary(), "report", str(defs), "--format", "json", "--as-of", AS_OF, "--allow-outside", str(KOBO)],
                          cwd=folder, capture_output=True, text=True)
    # Exit 1: the n/a padding rows of the wide export are rejected (data problems); anything else fails.
    assert proc.returncode in (0, 1) and proc.stdout, proc.stderr
    rep = json.loads(proc.stdout)
    return {"report": rep, "stderr": proc.stderr, "pairs": pair_ids, "returncode": proc.returncode,
            "indicators": {i["id"]: i for i in rep["indicators"]},
            "sources": {s["id"]: s for s in rep["sources"]}}


def cells(ind):
    """Breakdowns as [(categories in dimension order, value, numerator, denominator, periods)]: the
    dimension ids differ between twins (xml_address / csv_address), the categories must not."""
    out = []
    for b in ind["breakdowns"]:
        out.append([(tuple(c["key"][d] for d in b["by"]), c["value"], c["numerator"], c["denominator"], c["periods"])
                    for c in b["cells"]] + [("overlap", b["overlap"])])
    return out


def cell_map(ind, n):
    """Breakdown n as {category (or tuple for a cross-tab): value}, without the empty (0 or null) cells."""
    b = ind["breakdowns"][n]
    out = {}
    for c in b["cells"]:
        key = tuple(c["key"][d] for d in b["by"])
        key = key[0] if len(key) == 1 else key
        if c["value"] not in (0, None):
            out[key] = c["value"]
    return out


# ---------------------------------------------------------------- XML == CSV

def test_every_xml_indicator_equals_its_csv_twin(run):
    inds = run["indicators"]
    assert len(inds) == 2 * len(run["pairs"])
    for pid in run["pairs"]:
        x, c = inds[f"X_{pid}"], inds[f"C_{pid}"]
        assert x["current"] is not None, pid
        for k in ("current", "numerator", "denominator", "countingUnit", "status"):
            assert x[k] == c[k], f"{pid}: {k} XML {x[k]} != CSV {c[k]}"
        assert [(p["id"], p["value"], p["cumulative"], p["numerator"], p["denominator"]) for p in x["periods"]] == \
               [(p["id"], p["value"], p["cumulative"], p["numerator"], p["denominator"]) for p in c["periods"]], pid
        assert len(x["breakdowns"]) == len(c["breakdowns"]) > 0, pid
        assert cells(x) == cells(c), f"{pid}: breakdown cells differ"
        assert sum(x["rowsMatched"].values()) == sum(c["rowsMatched"].values()), pid


# ---------------------------------------------------------------- the absolute numbers

def test_figures_match_the_upstream_files(run):
    inds = run["indicators"]
    subs, kids, imms = xml_truth()
    _, export = export_header_and_rows()
    _, _, browsers = slots()

    # The export is of the same submissions as the instance files.
    assert len(subs) == len(INSTANCES) == len(export) == 2
    assert sorted(s["uuid"] for s in subs) == sorted(r["meta/instanceID"] for r in export)
    assert sorted(s["uuid"] for s in subs) == sorted("uuid:" + r["_uuid"] for r in export)

    def cur(pid):
        x = inds[f"X_{pid}"]["current"]
        assert inds[f"C_{pid}"]["current"] == x
        return x

    assert cur("SUB") == len(INSTANCES) == 2
    assert cell_map(inds["X_SUB"], 0) == dict(Counter(s["has_kids"] for s in subs)) == {"1": 2}
    assert cur("SUB_NESTED_SUM") == sum(s["nested_age"] for s in subs) == 83      # The Witch 45 + John 38
    assert cur("SUB_NESTED_AVG") == pytest.approx(41.5)

    assert cur("KIDS") == len(kids) == 5                                         # 2 + 3 kids_details
    assert cell_map(inds["X_KIDS"], 0) == dict(Counter(k["address"] for k in kids)) == {"1234": 2, "5678": 3}
    assert cell_map(inds["X_KIDS"], 1) == dict(Counter(k["uuid"] for k in kids))
    assert cell_map(inds["X_KIDS"], 2) == {"<3": 2, "3-5": 2, "6+": 1}           # ages 2, 1 | 8, 5, 3
    assert cell_map(inds["X_KIDS"], 3) == {("1234", "<3"): 2, ("5678", "3-5"): 2, ("5678", "6+"): 1}
    assert cur("KIDS_DISTINCT") == len({(k["uuid"], k["name"]) for k in kids}) == 5
    assert cell_map(inds["C_KIDS_DISTINCT"], 0) == {"<3": 2, "3-5": 2, "6+": 1}
    assert cur("KIDS_SUBS") == 2
    assert cur("KIDS_AGE_SUM") == sum(k["age"] for k in kids) == 19
    assert cell_map(inds["C_KIDS_AGE_SUM"], 0) == {"1234": 3, "5678": 16}
    assert cur("KIDS_AGE_AVG") == pytest.approx(3.8)
    x = inds["X_KIDS_UNDER3_PCT"]
    assert (x["numerator"], x["denominator"]) == (2, 5) and cur("KIDS_UNDER3_PCT") == pytest.approx(40)

    assert cur("IMM") == len(imms) == 11                                         # 3 + 2 | 2 + 3 + 1
    assert cell_map(inds["X_IMM"], 0) == dict(Counter(i["name"] for i in imms)) == \
        {"Hansel": 3, "Gretel": 2, "Tom": 2, "Dick": 3, "Harry": 1}
    assert cur("IMM_KINDS") == len({i["info"] for i in imms}) == 10              # Measles twice
    assert cur("IMM_KIDS") == 5

    assert browsers == ["firefox", "chrome", "ie", "safari"]
    for b in browsers:
        n = sum(b in s["web_browsers"] for s in subs)
        assert n == sum(r[f"web_browsers/{b}"] == "True" for r in export)
        assert cur(f"SUB_BROWSER_{b}") == n
        # submissions broken down by the select_multiple option: ticked ("true") or not ("false")
        k = 1 + browsers.index(b)
        assert cell_map(inds["X_SUB"], k) == cell_map(inds["C_SUB"], k) == \
            {key: v for key, v in (("true", n), ("false", len(subs) - n)) if v}
        assert cell_map(inds[f"X_SUB_BROWSER_{b}"], 0) == {"true": n}
    assert {b: cur(f"SUB_BROWSER_{b}") for b in browsers} == {"firefox": 1, "chrome": 1, "ie": 2, "safari": 1}


# ---------------------------------------------------------------- rows reconcile

def test_rows_reconcile(run):
    sources = run["sources"]
    subs, kids, imms = xml_truth()
    _, export = export_header_and_rows()
    kid_slots, imm_slots, _ = slots()
    for sid, s in sources.items():
        assert s["rowsRead"] == s["rowsUsed"] + s["rowsRejected"], sid
        assert s["rowsAfterAsOf"] == 0, sid

    # XML: nothing rejected, one record per submission / repeat instance.
    assert [(sources[s]["rowsRead"], sources[s]["rowsRejected"]) for s in ("xml_submissions", "xml_kids", "xml_immunizations")] == \
           [(len(subs), 0), (len(kids), 0), (len(imms), 0)]
    assert len(sources["xml_submissions"]["files"]) == len(INSTANCES)
    assert sources["csv_submissions"]["rowsRead"] == sources["csv_submissions"]["rowsUsed"] == len(export)

    # CSV slots: every slot reads every submission row; the n/a padding slots are the rejected ones.
    na_kids = {i: sum(r[f"kids/kids_details[{i}]/kids_name"] == "n/a" for r in export) for i in kid_slots}
    na_imms = {(i, j): sum(r[f"kids/kids_details[{i}]/kids_immunization[{j}]/immunization_info"] == "n/a" for r in export)
               for i, j in imm_slots}
    for i in kid_slots:
        s = sources[f"csv_kids_{i}"]
        assert (s["rowsRead"], s["rowsRejected"]) == (len(export), na_kids[i]), i
    for i, j in imm_slots:
        s = sources[f"csv_imm_{i}_{j}"]
        assert (s["rowsRead"], s["rowsRejected"]) == (len(export), na_imms[(i, j)]), (i, j)
    assert sum(sources[f"csv_kids_{i}"]["rowsUsed"] for i in kid_slots) == len(kids) == 5
    assert sum(sources[f"csv_imm_{i}_{j}"]["rowsUsed"] for i, j in imm_slots) == len(imms) == 11
    assert sum(na_kids.values()) == 1 and sum(na_imms.values()) == 3
    assert len(kid_slots) * len(export) == 6 and len(imm_slots) * len(export) == 14

    # Each rejected row gives exactly one error, in the export, and nothing else is reported.
    errors = [l for l in run["stderr"].splitlines() if ": error: " in l]
    warnings = [l for l in run["stderr"].splitlines() if ": warning: " in l]
    assert warnings == []
    assert len(errors) == sum(na_kids.values()) + sum(na_imms.values()) == run["report"]["diagnostics"]["errors"]
    assert all(l.startswith(f"{EXPORT}:") and ('"n/a" in column kids/kids_details[' in l or "(n/a padding" in l)
               for l in errors), errors
    assert run["returncode"] == 1
