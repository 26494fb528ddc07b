"""`report --format iati|dhis2|dhis2-csv|adx`: the exports checked against their schemas and,
value by value, against the JSON report of the same run.

The IATI and ADX schemas are the published ones (IATI-Schemas version-2.03; dhis2/adx
IHE2015/schema), read from LOGFRAME_SHARED_DATA (default ../shared/data beside the project) as the conformance
tests read theirs; without them, or without xmllint, the schema checks are skipped, the rest runs.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The public corpora: $LOGFRAME_SHARED_DATA, else ../shared/data beside the project (as CI has it),
# else the workplace's copy.
SHARED = Path(os.environ.get("LOGFRAME_SHARED_DATA") or next(
    (p for p in (REPO.parent / "shared" / "data", Path("/work/shared/data")) if p.is_dir()),
    REPO.parent / "shared" / "data"))
IATI_XSD = SHARED / "iati" / "schema-2.03" / "iati-activities-schema.xsd"
ADX_XSD = SHARED / "dhis2-adx" / "schema" / "adx_loose.xsd"
SAMPLES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]
HERE = Path(__file__).resolve().parent


def moved(definitions: str) -> str:
    """A sample's definitions as written from this folder (its data paths one level deeper),
    so that a changed copy is never among indicators/*.yml, which other tests read."""
    return definitions.replace("../samples/", "../../samples/")


CRC_MAP = REPO / "indicators" / "dhis2" / "undp-crc.map.yml"


def _binary() -> str:
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        path = Path(env)
        return str(path if path.is_absolute() else REPO / path)
    path = REPO / ".build" / "debug" / "logframe"
    if not path.exists():
        subprocess.run(["swift", "build"], cwd=REPO, check=True)
    return str(path)


BIN = _binary()


def run(*args, cwd=REPO):
    return subprocess.run([BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True)


def report(defs, fmt, *extra, as_of=None, cwd=REPO):
    args = ["report", defs, "--format", fmt, *extra]
    if as_of:
        args += ["--as-of", as_of]
    result = run(*args, cwd=cwd)
    assert result.stdout, result.stderr
    return result.stdout


def xsd_check(xsd: Path, text: str, tmp_path: Path, name: str):
    # In CI (.ci/run installs xmllint and has the corpora) a missing tool or schema is a failure,
    # never a quiet skip.
    give_up = pytest.fail if os.environ.get("CI") == "true" else pytest.skip
    if shutil.which("xmllint") is None:
        give_up("xmllint is not installed")
    if not xsd.exists():
        give_up(f"{xsd} not found (set LOGFRAME_SHARED_DATA)")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    check = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def load_json(text):
    """The JSON report with its numbers as exact decimals (it writes up to 18 fractional digits)."""
    from decimal import Decimal
    return json.loads(text, parse_float=Decimal)


def number(text):
    """Compares exact decimals written as text."""
    from decimal import Decimal
    return None if text is None else Decimal(str(text))


# MARK: - IATI

@pytest.mark.parametrize("sample", SAMPLES)
def test_iati_export_of_each_sample_validates_against_the_xsd(sample, tmp_path):
    xsd_check(IATI_XSD, report(f"indicators/{sample}.yml", "iati"), tmp_path, f"{sample}.xml")


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.parametrize("sample", SAMPLES)
def test_iati_export_keeps_the_activity_rules_it_targets(sample):
    """The IATI-Rulesets 2.03 activity rules that the schema does not check and that
    docs/exports-iati.md says the export keeps, restated here one by one."""
    root = ET.fromstring(report(f"indicators/{sample}.yml", "iati").encode("utf-8"))
    for activity in root.findall("iati-activity"):
        assert activity.get(XML_LANG)                                          # 4.1.1
        assert activity.findall("sector")                                      # 6.2.2
        assert activity.findall("recipient-country")                           # 3.7.1
        for org in activity.findall("participating-org"):                      # 6.10.1
            assert org.get("ref") or org.findall("narrative")
        assert any(d.get("type") in ("1", "2") for d in activity.findall("activity-date"))  # 6.11.1
        ref = activity.find("reporting-org").get("ref")
        assert activity.findtext("iati-identifier").startswith(ref + "-")      # 1.1.21
        for result in activity.findall("result"):
            assert not result.findall("reference")                             # 8.11.1: references only on indicators
            for indicator in result.findall("indicator"):
                assert indicator.get("measure") in ("1", "2")
                for element in indicator.iter():
                    if element.tag in ("baseline", "target", "actual"):        # 8.8.1-8.10.2
                        value = element.get("value")
                        assert value is not None and re.fullmatch(r"-?\d+(\.\d+)?", value), (element.tag, value)
                for period in indicator.findall("period"):                     # 8.6.1
                    assert period.find("period-start").get("iso-date") < period.find("period-end").get("iso-date")


def iati_indicators(text):
    root = ET.fromstring(text.encode("utf-8"))
    out = {}
    for indicator in root.iter("indicator"):
        code = next(r.get("code") for r in indicator.findall("reference") if r.get("vocabulary") == "99")
        out[code] = indicator
    return root, out


def total_actual(period):
    """The period's first `actual` without a dimension: the indicator's total."""
    for actual in period.findall("actual"):
        if actual.find("dimension") is None:
            return actual
    return None


@pytest.mark.parametrize("sample", SAMPLES)
def test_iati_actuals_are_the_json_figures_and_no_data_is_left_out(sample):
    """Every period's total actual is the report's figure (the running total for cumulative
    indicators, the period value for levels); a null figure has no actual, never a 0."""
    figures = load_json(report(f"indicators/{sample}.yml", "json"))
    _, indicators = iati_indicators(report(f"indicators/{sample}.yml", "iati"))
    checked_null = 0
    for indicator in figures["indicators"]:
        element = indicators[indicator["id"]]
        periods = {p.find("period-start").get("iso-date"): p for p in element.findall("period")}
        by_start = {p["start"]: p for p in figures["periods"]}
        for period in indicator["periods"]:
            start = next(s for s, p in by_start.items() if p["id"] == period["id"])
            expected = period["cumulative"] if indicator["cumulative"] else period["value"]
            actual = total_actual(periods[start]) if start in periods else None
            if expected is None:
                checked_null += 1
                assert actual is None, f"{indicator['id']} {period['id']}: n/a was written as {actual.get('value')}"
            else:
                assert actual is not None and number(actual.get("value")) == number(expected), (indicator["id"], period["id"])
        # The breakdown cells, in order: one actual per cell with a value, none for an n/a cell.
        for p, period in enumerate(indicator["periods"]):
            start = figures["periods"][p]["start"]
            cells = [c["cumulative"][p] if indicator["cumulative"] else c["periods"][p]
                     for b in indicator["breakdowns"] for c in b["cells"]]
            written = [a.get("value") for a in periods[start].findall("actual") if a.find("dimension") is not None] if start in periods else []
            assert [number(v) for v in written] == [number(v) for v in cells if v is not None], (indicator["id"], period["id"])
            checked_null += sum(v is None for v in cells)
    # The samples have n/a periods (before an indicator's data begins, zero denominators).
    if sample == "undp-crc":
        assert checked_null > 0


def test_iati_cumulative_distinct_actual_is_not_the_sum_of_periods():
    """OC1.1 counts people; many come back quarter after quarter, so the running total to Q4
    (recomputed from the records) is far below the sum of the four quarterly counts."""
    figures = load_json(report("indicators/undp-crc.yml", "json", as_of="2021-12-31"))
    oc11 = next(i for i in figures["indicators"] if i["id"] == "OC1.1")
    period_sum = sum(p["value"] for p in oc11["periods"])
    _, indicators = iati_indicators(report("indicators/undp-crc.yml", "iati", as_of="2021-12-31"))
    last = indicators["OC1.1"].findall("period")[3]
    assert last.find("period-end").get("iso-date") == "2021-12-31"
    value = number(total_actual(last).get("value"))
    assert value == number(oc11["periods"][3]["cumulative"]) == 1099
    assert value != period_sum
    # Breakdown cells too: each cell's running total, not the sum of its period values.
    female = next(a for a in last.findall("actual")
                  if [(d.get("name"), d.get("value")) for d in a.findall("dimension")] == [("Sex", "Female")])
    cell = next(c for b in oc11["breakdowns"] if b["by"] == ["sex"] for c in b["cells"] if c["key"] == {"sex": "F"})
    assert number(female.get("value")) == number(cell["cumulative"][3]) != sum(cell["periods"])


def test_iati_target_only_periods_after_the_as_of_date():
    _, indicators = iati_indicators(report("indicators/undp-crc.yml", "iati", as_of="2021-12-31"))
    periods = indicators["OP1.1"].findall("period")
    future = [p for p in periods if p.find("period-start").get("iso-date") > "2021-12-31"]
    assert future, "the final target is due in 2022"
    for p in future:
        assert p.find("actual") is None and p.find("target") is not None


def test_iati_without_publisher_details_is_a_located_error_and_writes_nothing(tmp_path):
    text = (REPO / "indicators" / "undp-crc.yml").read_text(encoding="utf-8")
    defs = HERE / ".test-no-exports.yml"
    defs.write_text(moved(text[: text.index("\n# Publisher details")] + "\n"), encoding="utf-8")
    try:
        out = tmp_path / "out.xml"
        result = run("report", defs, "--format", "iati", "-o", out)
        assert result.returncode == 1
        assert re.search(r"\.test-no-exports\.yml:1:1: error: .*exports\.iati.* \[iati-details-missing\]", result.stderr), result.stderr
        assert not out.exists()
    finally:
        defs.unlink()


def test_incomplete_publisher_details_fail_validate_with_located_diagnostics(tmp_path):
    text = (REPO / "indicators" / "undp-crc.yml").read_text(encoding="utf-8")
    broken = text.replace("    sector: 16010\n", "").replace("activity_status: 2", "activity_stauts: 2")
    defs = HERE / ".test-bad-exports.yml"
    broken = moved(broken)
    defs.write_text(broken, encoding="utf-8")
    try:
        lines = broken.splitlines()
        iati_line = lines.index("  iati:") + 1
        typo_line = next(n for n, l in enumerate(lines, 1) if "activity_stauts" in l)
        result = run("validate", defs, "--format", "json")
        assert result.returncode == 1
        diagnostics = json.loads(result.stdout)["diagnostics"]
        mine = [d for d in diagnostics if d["file"].endswith(".test-bad-exports.yml")]
        unknown = next(d for d in mine if d["code"] == "unknown-key")
        assert (unknown["line"], unknown["column"]) == (typo_line, 5)
        assert "activity_status" in unknown["hint"]
        missing = [d for d in mine if d["code"] == "missing-key"]
        assert {d["line"] for d in missing} == {iati_line + 1}
        assert any("sector" in d["message"] for d in missing) and any("activity_status" in d["message"] for d in missing)
        out = tmp_path / "out.xml"
        assert run("report", defs, "--format", "iati", "-o", out).returncode == 1 and not out.exists()
    finally:
        defs.unlink()


# MARK: - DHIS2

def crc(fmt, as_of="2021-12-31"):
    return report("indicators/undp-crc.yml", fmt, "--map", CRC_MAP, as_of=as_of)


def test_adx_validates_against_the_adx_schema(tmp_path):
    xsd_check(ADX_XSD, crc("adx"), tmp_path, "crc.adx.xml")


def expected_values(figures, periods_dxf2):
    """What the mapping file says should be sent, computed from the JSON report alone:
    (data element, period, category option combo) -> value, null figures left out."""
    mapping = {
        "categories": {"sex": {"F": "FEMALE", "M": "MALE", None: "NOT_RECORDED"},
                       "child": {"true": "CHILD", "false": "ADULT", None: "NOT_RECORDED"},
                       "service": {"business": "BUSINESS", "legal": "LEGAL", "psychosocial": "PSYCHOSOCIAL", None: "NOT_RECORDED"}},
        "OC1.1": {"P": "LF_OC1_1_P_TOTAL", "C": "LF_OC1_1_C_TOTAL",
                  "by": [(["sex"], "LF_OC1_1_P_SEX", "LF_OC1_1_C_SEX"), (["service"], "LF_OC1_1_P_SERVICE", "LF_OC1_1_C_SERVICE"),
                         (["sex", "child"], None, "LF_OC1_1_C_SEX_CHILD")]},
        "OP1.1": {"P": "LF_OP1_1_P_TOTAL", "C": "LF_OP1_1_C_TOTAL", "by": [(["sex"], "LF_OP1_1_P", "LF_OP1_1_C")]},
    }
    centres = {"Füzuli": "AZ_FUZ_CRC", "Ağcabədi": "AZ_AGC_CRC", "Tərtər": "AZ_TER_CRC"}
    out = {}
    indicators = {i["id"]: i for i in figures["indicators"]}
    for ident in ("OC1.1", "OP1.1"):
        m, ind = mapping[ident], indicators[ident]
        for p, period in enumerate(ind["periods"]):
            pid = periods_dxf2[p]
            if period["value"] is not None:
                out[(m["P"], pid, None, "AZ")] = number(period["value"])
            if period["cumulative"] is not None:
                out[(m["C"], pid, None, "AZ")] = number(period["cumulative"])
            # Each centre's total at its own org unit (the "not recorded" centre has none).
            centre = next(b for b in ind["breakdowns"] if b["by"] == ["centre"])
            for cell in centre["cells"]:
                unit = centres.get(cell["key"]["centre"])
                if unit is None:
                    continue
                if cell["periods"][p] is not None:
                    out[(m["P"], pid, None, unit)] = number(cell["periods"][p])
                if cell["cumulative"][p] is not None:
                    out[(m["C"], pid, None, unit)] = number(cell["cumulative"][p])
            for by, de_p, de_c in m["by"]:
                breakdown = next(b for b in ind["breakdowns"] if b["by"] == by)
                for cell in breakdown["cells"]:
                    coc = "_".join(mapping["categories"][d][cell["key"][d]] for d in by)
                    if de_p and cell["periods"][p] is not None:
                        out[(de_p, pid, coc, "AZ")] = number(cell["periods"][p])
                    if de_c and cell["cumulative"][p] is not None:
                        out[(de_c, pid, coc, "AZ")] = number(cell["cumulative"][p])
    oc13 = indicators["OC1.3"]
    for p, period in enumerate(oc13["periods"]):
        pid = periods_dxf2[p]
        for key, de in (("numerator", "LF_OC1_3_NUM_P"), ("denominator", "LF_OC1_3_DEN_P")):
            if period[key] is not None:
                out[(de, pid, None, "AZ")] = number(period[key])
    return out


def test_datavaluesets_round_trip_against_the_json_report():
    figures = load_json(report("indicators/undp-crc.yml", "json", as_of="2021-12-31"))
    sent = json.loads(crc("dhis2"))
    assert sent["dataSet"] == "LF_AZ_UNDP_CRC_Q" and sent["orgUnit"] == "AZ" and sent["attributeOptionCombo"] == "UNDP"
    values = {}
    for v in sent["dataValues"]:
        key = (v["dataElement"], v["period"], v.get("categoryOptionCombo"), v.get("orgUnit", sent["orgUnit"]))
        assert key not in values, f"{key} sent twice"
        assert isinstance(v["value"], str)
        values[key] = number(v["value"])
    expected = expected_values(figures, ["2021Q1", "2021Q2", "2021Q3", "2021Q4"])
    # OC1.3's cumulative parts are not recomputed above: compare them apart.
    cumulative_parts = {k: v for k, v in values.items() if k[0] in ("LF_OC1_3_NUM_C", "LF_OC1_3_DEN_C")}
    oc13 = next(i for i in figures["indicators"] if i["id"] == "OC1.3")
    assert len(cumulative_parts) == 2 * len(oc13["periods"])
    for k in cumulative_parts:
        del values[k]
    assert values == expected
    # A real 0 is sent.
    assert values[("LF_OP1_1_P", "2021Q1", "NOT_RECORDED", "AZ")] == 0


def test_datavaluesets_csv_has_the_same_values_as_the_json():
    sent = json.loads(crc("dhis2"))
    rows = list(csv.reader(io.StringIO(crc("dhis2-csv"))))
    assert rows[0] == ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value", "storedby", "lastupdated", "comment", "followup"]
    from_csv = [(r[0], r[1], r[2], r[3] or None, r[5]) for r in rows[1:]]
    from_json = [(v["dataElement"], v["period"], v.get("orgUnit", "AZ"), v.get("categoryOptionCombo"), v["value"]) for v in sent["dataValues"]]
    assert from_csv == from_json
    assert all(r[4] == "UNDP" for r in rows[1:])


def test_overlapping_people_total_is_sent_as_its_own_value():
    """OC1.1 by service: people who used two services are in two cells (overlap > 0), so the
    cells add up to more than the people reached. The total goes as its own data element."""
    figures = load_json(report("indicators/undp-crc.yml", "json", as_of="2021-12-31"))
    oc11 = next(i for i in figures["indicators"] if i["id"] == "OC1.1")
    service = next(b for b in oc11["breakdowns"] if b["by"] == ["service"])
    assert service["overlap"] > 0
    sent = json.loads(crc("dhis2"))
    cum = {v.get("categoryOptionCombo"): number(v["value"]) for v in sent["dataValues"]
           if v["period"] == "2021Q4" and v["dataElement"] in ("LF_OC1_1_C_TOTAL", "LF_OC1_1_C_SERVICE") and "orgUnit" not in v}
    total = cum.pop(None)
    assert total == number(oc11["current"]) == 1099
    assert sum(cum.values()) == total + number(service["overlap"]) != total
    adx = ET.fromstring(crc("adx").encode("utf-8"))
    ns = "{urn:ihe:qrph:adx:2015}"
    q4 = next(g for g in adx.iter(ns + "group") if g.get("period") == "2021-10-01/P3M" and g.get("orgUnit") == "AZ")
    adx_total = [d.get("value") for d in q4.iter(ns + "dataValue") if d.get("dataElement") == "LF_OC1_1_C_TOTAL"]
    assert adx_total == ["1099"]


# MARK: - A small programme: n/a periods, zero denominators, calendars

PEOPLE = """record_id,date,person_id,sex,service,score
1,2021-04-05,P1,F,business,3
2,2021-05-06,P2,M,business,5
3,2021-05-07,P3,,legal,4
4,2021-11-02,P1,F,legal,2
5,2021-11-03,P2,M,business,
"""

DEFS = """logframe: 1
programme:
  id: TEST--EXPORT
  title: {{en: 'Export <test> & "quotes"', az: "İxrac -- sınaq"}}
  country: AZ
  start: {start}
  end: {end}
  periods: quarterly
  year_starts: {year_starts}
sources:
  people:
    path: people.csv
    key: record_id
    date: date
    fields:
      record_id: text
      date: date
      person_id: text
      sex: {{type: text, in: [F, M]}}
      service: {{type: text, in: [business, legal]}}
      score: integer
dimensions:
  sex: {{field: sex, title: Sex, labels: {{F: Female, M: Male}}}}
  service: {{field: service, title: Service}}
results:
  - id: OP1
    level: output
    title: Services
    indicators:
      - id: OP1.1
        title: People served
        value: distinct(person_id)
        by: [sex, service]
        target: {{value: 10, date: {end}}}
      - id: OP1.2
        title: Share of legal clients who are women
        value: percent(distinct(person_id where sex == "F" and service == "legal"), distinct(person_id where service == "legal"))
        cumulative: false
      - id: OP1.3
        title: Average score
        value: avg(score)
        cumulative: false
exports:
  iati:
    identifier: XM-DAC-41114-TEST
    reporting_org: {{ref: XM-DAC-41114, type: 40, name: UNDP}}
    participating_orgs: [{{role: 4, name: Implementer}}]
    description: A test.
    activity_status: 2
    sector: 16010
"""

MAP = """dhis2: 1
data_set: DS
org_unit: OU
categories:
  sex: {category: SEX, options: {F: FEMALE, M: MALE, ~: NOT_RECORDED}}
indicators:
  OP1.1:
    period: P_TOTAL
    cumulative: C_TOTAL
    breakdowns:
      - {by: [sex], period: P_SEX}
  OP1.2:
    period: {numerator: NUM, denominator: DEN}
  OP1.3:
    period: SCORE
"""


@pytest.fixture
def small(tmp_path):
    def make(start="2021-01-01", end="2021-12-31", year_starts=1, mapping=MAP):
        (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
        (tmp_path / "defs.yml").write_text(DEFS.format(start=start, end=end, year_starts=year_starts), encoding="utf-8")
        (tmp_path / "map.yml").write_text(mapping, encoding="utf-8")
        return tmp_path
    return make


def test_no_data_is_not_sent_and_a_real_zero_is(small, tmp_path):
    folder = small()
    result = run("report", "defs.yml", "--format", "dhis2", "--map", "map.yml", cwd=folder)
    assert result.returncode == 0, result.stderr
    values = {(v["dataElement"], v["period"], v.get("categoryOptionCombo")): v["value"] for v in json.loads(result.stdout)["dataValues"]}
    # Q1: before the data begins, every figure is n/a: nothing is sent for it.
    assert not [k for k in values if k[1] == "2021Q1"]
    # Q3: no records: 0 people (a real 0), the percentage has a zero denominator (its parts, 0 and 0,
    # are sent), the average has no value (not sent).
    assert values[("P_TOTAL", "2021Q3", None)] == "0"
    assert values[("NUM", "2021Q3", None)] == "0" and values[("DEN", "2021Q3", None)] == "0"
    assert ("SCORE", "2021Q3", None) not in values
    # Q4: P2's score is empty, P1's is 2.
    assert values[("SCORE", "2021Q4", None)] == "2"
    # Cumulative Q4: 3 people, not 3 + 2 from the quarters.
    assert values[("C_TOTAL", "2021Q4", None)] == "3"
    assert values[("P_SEX", "2021Q2", "NOT_RECORDED")] == "1"

    iati = run("report", "defs.yml", "--format", "iati", cwd=folder)
    assert iati.returncode == 0, iati.stderr
    xsd_ok = shutil.which("xmllint") and IATI_XSD.exists()
    if xsd_ok:
        xsd_check(IATI_XSD, iati.stdout, tmp_path, "small.xml")
    root, indicators = iati_indicators(iati.stdout)
    # The user's text is escaped: it reads back as written.
    titles = [n.text for n in root.find("iati-activity").find("title").findall("narrative")]
    assert titles == ['Export <test> & "quotes"', "İxrac -- sınaq"]
    for ident, quarter in (("OP1.1", "2021-01-01"), ("OP1.2", "2021-07-01"), ("OP1.3", "2021-07-01")):
        period = [p for p in indicators[ident].findall("period") if p.find("period-start").get("iso-date") == quarter]
        assert not period or total_actual(period[0]) is None, f"{ident} {quarter} is n/a but has an actual"
    # People in two services: the overlap is stated where it exists (Q4), not where it does not (Q2).
    comments = {p.find("period-start").get("iso-date"): "".join(total_actual(p).find("comment").itertext())
                for p in indicators["OP1.1"].findall("period") if total_actual(p) is not None}
    assert "By Service: the cells add up to 1 more" in comments["2021-10-01"]
    assert "By Service" not in comments["2021-04-01"]
    # The percentage's actual carries its parts.
    q2 = next(p for p in indicators["OP1.2"].findall("period") if p.find("period-start").get("iso-date") == "2021-04-01")
    assert "Numerator 0, denominator 1" in "".join(total_actual(q2).itertext())


@pytest.mark.parametrize("year_starts,fmt,ok,period", [
    (7, "dhis2", True, "2021Q3"),      # fiscal Q1 (Jul-Sep) is DHIS2's calendar Q3
    (7, "adx", True, "2021-07-01/P3M"),
    (11, "dhis2", True, "2022NovQ1"),  # November quarters, named by the year they end in
    (11, "adx", False, None),          # ADX quarters are calendar quarters
    (2, "dhis2", True, "2021NovQ2"),   # Feb-Apr is the second November quarter
    (3, "dhis2", False, None),         # DHIS2 has no March quarters
    (3, "adx", False, None),
])
def test_periods_in_dhis2_ids_or_a_clear_refusal(small, tmp_path, year_starts, fmt, ok, period):
    start = {7: "2021-07-01", 11: "2021-11-01", 2: "2021-02-01", 3: "2021-03-01"}[year_starts]
    end = {7: "2022-06-30", 11: "2022-10-31", 2: "2022-01-31", 3: "2022-02-28"}[year_starts]
    folder = small(start=start, end=end, year_starts=year_starts)
    (folder / "people.csv").write_text(f"record_id,date,person_id,sex,service,score\n1,{start},P1,F,legal,3\n", encoding="utf-8")
    out = folder / "out.txt"
    result = run("report", "defs.yml", "--format", fmt, "--map", "map.yml", "--as-of", end, "-o", out, cwd=folder)
    if ok:
        assert result.returncode == 0, result.stderr
        assert period in out.read_text(encoding="utf-8")
    else:
        assert result.returncode == 1
        assert re.search(r"defs\.yml:\d+:\d+: error: .*\[map-period-unsupported\]", result.stderr), result.stderr
        assert not out.exists()


@pytest.mark.parametrize("mapping,line,column,code,hint", [
    (MAP.replace("  OP1.3:", "  OP1.33:"), 14, 3, "unknown-indicator", "OP1.3"),
    (MAP.replace(", ~: NOT_RECORDED", ""), 5, 33, "map-option-missing", "NOT_RECORDED"),
    (MAP.replace("M: MALE", "X: MALE"), 5, 33, "map-option-missing", None),
    (MAP.replace("period: SCORE", "perid: SCORE"), 15, 5, "unknown-key", "period"),
    (MAP.replace("    period: {numerator: NUM, denominator: DEN}", "    period: NUM"), 13, 5, "invalid-value", "numerator"),
    (MAP.replace("  sex: {category", "  sx: {category"), 5, 3, "unknown-dimension", "sex"),
])
def test_bad_mapping_file_is_a_located_error_and_writes_nothing(small, mapping, line, column, code, hint):
    folder = small(mapping=mapping)
    out = folder / "out.json"
    result = run("report", "defs.yml", "--format", "dhis2", "--map", "map.yml", "-o", out, cwd=folder)
    assert result.returncode == 1
    match = re.search(rf"map\.yml:(\d+):(\d+): error: .*\[{code}\]", result.stderr)
    assert match, result.stderr
    assert (int(match.group(1)), int(match.group(2))) == (line, column), result.stderr
    if hint:
        assert hint in result.stderr
    assert not out.exists()


def test_map_without_dhis2_format_or_format_without_map_is_a_usage_error(small):
    folder = small()
    assert run("report", "defs.yml", "--format", "dhis2", cwd=folder).returncode == 2
    assert run("report", "defs.yml", "--format", "json", "--map", "map.yml", cwd=folder).returncode == 2


def test_validate_checks_a_mapping_file_too(small):
    folder = small()
    assert run("validate", "defs.yml", "--map", "map.yml", cwd=folder).returncode == 0
    (folder / "map.yml").write_text(MAP.replace("M: MALE", "X: MALE"), encoding="utf-8")
    result = run("validate", "defs.yml", "--map", "map.yml", "--format", "json", cwd=folder)
    assert result.returncode == 1
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "map-option-missing"]
    assert [(d["file"], d["line"], d["column"]) for d in found] == [("map.yml", 5, 33)]
    assert "`X`" in found[0]["hint"] and "`M`" in found[0]["hint"]
    # A period DHIS2 cannot express is found by validate as well.
    folder = small(start="2021-03-01", end="2022-02-28", year_starts=3)
    (folder / "people.csv").write_text("record_id,date,person_id,sex,service,score\n1,2021-03-02,P1,F,legal,3\n", encoding="utf-8")
    result = run("validate", "defs.yml", "--map", "map.yml", cwd=folder)
    assert result.returncode == 1 and "[map-period-unsupported]" in result.stderr


def test_org_units_per_category_get_their_own_figures(small, tmp_path):
    """`org_units`: each service's people go to the service's org unit, recomputed from the
    records (its breakdown cell, and for sex its cross-tab cells), while the programme's total
    stays at `org_unit`; the units' cumulative totals add up to more than it (P1 used both)."""
    mapping = MAP.replace("org_unit: OU\n", "org_unit: OU\norg_units: {dimension: service, options: {business: OU_B, legal: OU_L}}\n")
    folder = small(mapping=mapping)
    defs = (folder / "defs.yml").read_text(encoding="utf-8").replace("by: [sex, service]", "by: [sex, service, [service, sex]]")
    (folder / "defs.yml").write_text(defs, encoding="utf-8")
    result = run("report", "defs.yml", "--format", "dhis2", "--map", "map.yml", cwd=folder)
    assert result.returncode == 0, result.stderr
    sent = json.loads(result.stdout)
    values = {(v["dataElement"], v["period"], v.get("orgUnit", sent["orgUnit"]), v.get("categoryOptionCombo")): v["value"]
              for v in sent["dataValues"]}
    assert values[("C_TOTAL", "2021Q4", "OU", None)] == "3"
    assert values[("C_TOTAL", "2021Q4", "OU_B", None)] == "2"     # P1 (Q2), P2
    assert values[("C_TOTAL", "2021Q4", "OU_L", None)] == "2"     # P3 (Q2), P1 (Q4)
    assert values[("P_TOTAL", "2021Q4", "OU_L", None)] == "1"
    assert values[("P_SEX", "2021Q4", "OU_L", "FEMALE")] == "1"   # from the service x sex cross-tab
    assert values[("P_SEX", "2021Q2", "OU_L", "NOT_RECORDED")] == "1"
    assert values[("P_SEX", "2021Q2", "OU_B", "NOT_RECORDED")] == "0"
    adx = run("report", "defs.yml", "--format", "adx", "--map", "map.yml", cwd=folder)
    assert adx.returncode == 0, adx.stderr
    groups = [(g.get("period"), g.get("orgUnit")) for g in ET.fromstring(adx.stdout.encode()).iter("{urn:ihe:qrph:adx:2015}group")]
    assert ("2021-10-01/P3M", "OU_L") in groups and len(groups) == len(set(groups))
    xsd_check(ADX_XSD, adx.stdout, tmp_path, "units.adx.xml")
    # A service without an org unit stops the export, located at the org units' options.
    (folder / "map.yml").write_text(mapping.replace(", legal: OU_L", ""), encoding="utf-8")
    out = folder / "out.json"
    result = run("report", "defs.yml", "--format", "dhis2", "--map", "map.yml", "-o", out, cwd=folder)
    assert result.returncode == 1 and not out.exists()
    assert re.search(r"map\.yml:4:\d+: error: .*`legal`.*\[map-option-missing\]", result.stderr), result.stderr


def test_iati_export_applies_small_cell_suppression():
    """eu-unicef-child-protection sets privacy.min_cell: 5: no count from 1 to 4 leaves in the
    IATI export (the withheld figures, null in the JSON report, have no actual), and the export
    has fewer actuals than the same report would have without suppression."""
    figures = load_json(report("indicators/eu-unicef-child-protection.yml", "json"))
    assert figures["privacy"]["minCell"] == 5
    protected = {i["id"] for i in figures["indicators"] if "suppressed" in i}
    withheld = sum(bool(c.get("suppressed")) for i in figures["indicators"] for b in i["breakdowns"] for c in b["cells"])
    assert protected and withheld > 0
    _, indicators = iati_indicators(report("indicators/eu-unicef-child-protection.yml", "iati"))
    counts = [i for i in figures["indicators"] if i["id"] in protected and i["unit"] not in ("%",)
              and i.get("countingUnit", "count") in ("count", "distinct")]
    seen = 0
    for indicator in counts:
        for actual in indicators[indicator["id"]].iter("actual"):
            value = number(actual.get("value"))
            seen += 1
            assert not (0 < value < 5), f"{indicator['id']}: a small count {value} was exported"
    assert seen > 0
    # Not vacuous: without suppression these indicators' cells hold counts from 1 to 4, and the
    # export writes one actual per cell with a value.
    internal = load_json(report("indicators/eu-unicef-child-protection.yml", "json", "--internal"))
    small = [c["value"] for i in internal["indicators"] if i["id"] in {x["id"] for x in counts}
             for b in i["breakdowns"] for c in b["cells"] if c["value"] is not None and 0 < c["value"] < 5]
    assert small, "the sample has no small cell to withhold"
