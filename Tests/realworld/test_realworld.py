"""Files as M&E officers get them, read as they are, checked against DuckDB (issue 11, items 4-5).

Fixtures (data/PROVENANCE.txt, copied unchanged from ../shared/data/):

- The OCHA/HDX Ethiopia drought sheet, 391 woredas: header on line 2 under group labels, HXL
  hashtags on line 3, numbers written "80 418", "-" for no figure, labels and tags repeated for
  two clusters. `hdx-ethiopia.yml` reads it with `header_row`, hashtag and `position` columns,
  `thousands: space` and `missing: ["-"]`.
- WFP's minimum acceptable diet module exported from KoboToolbox: 11 households and 15 children
  in a repeat group, joined by _parent_index. `wfp-nut-mad.yml` dates the children by their
  household's submission (`date: households.submitted`) and reads "NaN" and 888 as no answer.

The expected figures are computed here in SQL (DuckDB) from the raw files, read with their own
options (`skip`, positions found from the hashtag row with Python's csv module, `replace`, CASE
for placeholders, a join for the parent's date), never from logframe's output: per indicator,
per region (HDX) or sex (Kobo) and per period, current, period and cumulative values. The HDX
sums and means are also compared with the figures the upstream hdx-python-scraper test expects.
"""
import csv
import hashlib
import json
import math
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data"
SHARED = ROOT.parent / "shared" / "data"
HDX_CSV = DATA / "ethiopia_drought_affected_targeted_reached_by_cluster.csv"
KOBO = DATA / "wfp-nut-mad"


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    candidate = ROOT / ".build" / "debug" / "logframe"
    if not candidate.exists():
        subprocess.run(["swift", "build"], cwd=ROOT, check=True)
    return str(candidate)


def report(defs: Path, as_of: str) -> dict:
    run = subprocess.run([binary(), "report", str(defs), "--format", "json", "--as-of", as_of],
                         capture_output=True, text=True, cwd=defs.parent)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def same(expected, got, kind: str) -> bool:
    if expected is None:
        # A sum over no figure: null ("no data is not zero", issue 11 item 3, built on another
        # branch); until that lands the engine still says 0. Counts over nothing are 0 anyway.
        return got is None or (kind == "sum" and got == 0)
    if got is None:
        return False
    if kind == "avg":
        return math.isclose(float(expected), float(got), rel_tol=1e-12)
    return int(expected) == got and float(got) == float(expected)


@pytest.mark.parametrize("copy, original", [
    (HDX_CSV, SHARED / "hdx-python-scraper" / HDX_CSV.name),
    *[(DATA / n, SHARED / "hdx-python-scraper" / n) for n in ("kenya_drought_affected_targeted_reached_by_cluster.csv",
                                                             "somalia_drought_affected_targeted_reached_by_cluster.csv")],
    (KOBO / "data.csv", SHARED / "wfp-ramresources" / "Nut_MAD_Sample_Survey" / "data.csv"),
    (KOBO / "MAD_submodule_RepeatMAD.csv",
     SHARED / "wfp-ramresources" / "Nut_MAD_Sample_Survey" / "MAD_submodule_RepeatMAD.csv"),
])
def test_fixtures_are_the_original_files(copy, original):
    if not original.exists():
        pytest.skip(f"shared data not here: {original}")
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(original.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------ HDX

def hdx_layout():
    """Group row, label row and hashtag row of the sheet, read with Python's csv module."""
    with open(HDX_CSV, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        groups, labels, tags = next(reader), next(reader), next(reader)
    return groups, labels, tags


def hdx_columns():
    """Field -> 0-based column: unique hashtags by exact text; ESNFI and agriculture (repeated
    labels and tags) by their place under the group row."""
    groups, labels, tags = hdx_layout()

    def tag(t):
        assert tags.count(t) == 1, t
        return tags.index(t)

    esnfi, agri = groups.index("ESNFI"), groups.index("AGRICULTURE")
    assert tags[esnfi:esnfi + 2] == ["#inneed", "#target"] and tags[agri:agri + 2] == ["#inneed", "#target"]
    assert labels.count("Affected") > 1 and tags.count("#inneed") == 2   # why `position` is needed
    return {
        "woreda": tag("#adm3+code"), "region": tag("#adm1+name"), "region_code": tag("#adm1+code"),
        "priority": tag("#priority"), "affected": tag("#affected+total"), "targeted": tag("#targeted+total"),
        "reached": tag("#reached+total"), "health_inneed": tag("#inneed+health"),
        "health_targeted": tag("#targeted+health"), "food_inneed": tag("#inneed+food"),
        "esnfi_inneed": esnfi, "esnfi_target": esnfi + 1, "agriculture_inneed": agri, "agriculture_target": agri + 1,
        "protection_targeted": tag("#targeted+protection"), "wash_inneed": tag("#inneed+wash"),
    }


TEXT_FIELDS = {"woreda", "region", "region_code"}


def hdx_table(con):
    _, labels, _ = hdx_layout()
    names = [f"c{i}" for i in range(len(labels))]
    columns = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
    con.execute(f"""CREATE TABLE raw AS SELECT * FROM read_csv('{HDX_CSV}', header = false, skip = 3,
                    delim = ',', quote = '"', columns = {{{columns}}})""")
    select = []
    for name, index in hdx_columns().items():
        c = f"c{index}"
        if name in TEXT_FIELDS:
            select.append(f"trim({c}) AS {name}")
        else:
            # "80 418" -> 80418; "-" and empty are no figure; anything else must cast.
            select.append(f"CASE WHEN trim({c}) IN ('', '-') THEN NULL ELSE CAST(replace({c}, ' ', '') AS BIGINT) END AS {name}")
    con.execute(f"CREATE TABLE woredas AS SELECT {', '.join(select)} FROM raw")
    (n,) = con.execute("SELECT count(*) FROM woredas").fetchone()
    assert n == 391


HDX_INDICATORS = {
    "AFFECTED": ("sum(affected)", "sum"),
    "TARGETED": ("sum(targeted)", "sum"),
    "PRIORITY": ("avg(priority)", "avg"),
    "WOREDAS": ("count(*)", "count"),
    "REACHED-REPORTED": ("count(*) FILTER (WHERE reached IS NOT NULL)", "count"),
    "HEALTH": ("sum(health_inneed)", "sum"),
    "HEALTH-NO-FIGURE": ("count(*) FILTER (WHERE health_inneed IS NULL)", "count"),
    "HEALTH-TARGETED": ("sum(health_targeted)", "sum"),
    "FOOD": ("sum(food_inneed)", "sum"),
    "ESNFI": ("sum(esnfi_inneed)", "sum"),
    "ESNFI-TARGET": ("sum(esnfi_target)", "sum"),
    "AGRICULTURE": ("sum(agriculture_inneed)", "sum"),
    "AGRICULTURE-TARGET": ("sum(agriculture_target)", "sum"),
    "PROTECTION-TARGETED": ("sum(protection_targeted)", "sum"),
    "WASH": ("sum(wash_inneed)", "sum"),
    "WASH-TARGET-WOREDAS": ("count(*) FILTER (WHERE priority = 1 AND affected >= 100000)", "count"),
}


@pytest.fixture(scope="module")
def hdx():
    con = duckdb.connect()
    hdx_table(con)
    return con, report(HERE / "hdx-ethiopia.yml", "2022-12-31")


def test_hdx_sheet_reads_without_editing(hdx):
    _, rep = hdx
    (source,) = rep["sources"]
    assert (source["rowsRead"], source["rowsUsed"], source["rowsRejected"]) == (391, 391, 0)
    assert source["files"][0]["sha256"] == hashlib.sha256(HDX_CSV.read_bytes()).hexdigest()
    assert rep["diagnostics"] == {"errors": 0, "warnings": 0}
    assert set(HDX_INDICATORS) == {i["id"] for i in rep["indicators"]}


def test_hdx_figures_per_region_match_duckdb(hdx):
    con, rep = hdx
    regions = [r for (r,) in con.execute("SELECT DISTINCT region FROM woredas ORDER BY 1").fetchall()]
    assert len(regions) == 11
    checked = 0
    for ind in rep["indicators"]:
        agg, kind = HDX_INDICATORS[ind["id"]]
        (total,) = con.execute(f"SELECT {agg} FROM woredas").fetchone()
        assert same(total, ind["current"], kind), (ind["id"], total, ind["current"])
        # Undated: no period value; the cumulative value of the one period is the current value.
        assert [(p["value"], p["cumulative"]) for p in ind["periods"]] == [(None, ind["current"])]
        for breakdown in ind["breakdowns"]:
            (dim,) = breakdown["by"]
            expected = dict(con.execute(f"SELECT {dim}, {agg} FROM woredas GROUP BY {dim}").fetchall())
            cells = {c["key"][dim]: c for c in breakdown["cells"]}
            # Cells: the categories of the records the indicator matched (counting rule 5), so
            # every region when it has no `where`.
            if "FILTER" not in agg:
                assert set(cells) - {None} == set(expected), (ind["id"], dim)
            assert set(cells) - {None} <= set(expected), (ind["id"], dim)
            for key, value in expected.items():
                if key not in cells:
                    assert value == 0, (ind["id"], dim, key, "no cell, but", value)
                    continue
                assert same(value, cells[key]["value"], kind), (ind["id"], dim, key, value, cells[key]["value"])
                assert cells[key]["periods"] == [None]
                checked += 1
            # "not recorded": region and its code are required, so no woreda lacks them.
            assert cells.get(None, {"value": 0})["value"] in (0, None)
    assert checked > 150


def test_hdx_figures_match_the_upstream_expected_values(hdx):
    """hdx-python-scraper's own test: per admin-1 p-code, sums of #affected+total and
    #targeted+total and the mean of #priority (formatted %.0f)."""
    _, rep = hdx
    upstream = json.loads((DATA / "expected-affected-targeted-reached-by-pcode.json").read_text())["adminone"]
    by_id = {i["id"]: i for i in rep["indicators"]}

    def cells(ind_id):
        (bd,) = [b for b in by_id[ind_id]["breakdowns"] if b["by"] == ["region_code"]]
        return {c["key"]["region_code"]: c["value"] for c in bd["cells"] if c["key"]["region_code"]}

    for tag, ind_id in [("#affected+total", "AFFECTED"), ("#targeted+total", "TARGETED")]:
        want = {k: int(v) for k, v in upstream[tag].items() if k.startswith("ET")}
        assert cells(ind_id) == want
    want = {k: v for k, v in upstream["#priority"].items() if k.startswith("ET")}
    assert {k: "%.0f" % v for k, v in cells("PRIORITY").items()} == want


COUNTRY_SHEETS = sorted(DATA.glob("*_drought_affected_targeted_reached_by_cluster.csv"))


def test_three_country_sheets_in_different_layouts_match_upstream_and_duckdb():
    """One source over the Ethiopia, Kenya and Somalia sheets (a glob): their columns are in
    different orders and found per file by hashtag. Every admin-1 p-code's sums and mean
    priority equal the upstream test's expected values (50 p-codes) and a DuckDB union of the
    three files; nothing was reached, so every reached cell is empty."""
    assert [p.name.split("_")[0] for p in COUNTRY_SHEETS] == ["ethiopia", "kenya", "somalia"]
    rep = report(HERE / "hdx-three-countries.yml", "2022-12-31")
    (source,) = rep["sources"]
    assert [f["path"].rsplit("/", 1)[-1] for f in source["files"]] == [p.name for p in COUNTRY_SHEETS]
    assert (source["rowsRead"], source["rowsUsed"]) == (488, 488)

    con = duckdb.connect()
    parts = []
    for sheet in COUNTRY_SHEETS:
        with open(sheet, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader), next(reader)
            tags = next(reader)
        width = len(tags)
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        col = {t: f"c{tags.index(t)}" for t in ("#adm1+code", "#priority", "#affected+total", "#targeted+total", "#reached+total")}
        num = lambda t: f"CASE WHEN trim({col[t]}) IN ('', '-') THEN NULL ELSE CAST(replace({col[t]}, ' ', '') AS BIGINT) END"
        parts.append(f"""SELECT trim({col['#adm1+code']}) AS code, {num('#priority')} AS priority, {num('#affected+total')} AS affected,
                         {num('#targeted+total')} AS targeted, {num('#reached+total')} AS reached
                         FROM read_csv('{sheet}', header = false, skip = 3, delim = ',', quote = '"', columns = {{{columns}}})""")
    con.execute("CREATE TABLE locations AS " + " UNION ALL ".join(parts))
    sql = {row[0]: row[1:] for row in con.execute(
        "SELECT code, sum(affected), sum(targeted), sum(reached), avg(priority) FROM locations GROUP BY code").fetchall()}
    upstream = json.loads((DATA / "expected-affected-targeted-reached-by-pcode.json").read_text())["adminone"]
    assert len(upstream["#affected+total"]) == 50 and upstream["#reached+total"] == {}

    by_id = {i["id"]: i for i in rep["indicators"]}

    def cells(ind_id):
        (bd,) = by_id[ind_id]["breakdowns"]
        return {c["key"]["region_code"]: c["value"] for c in bd["cells"] if c["key"]["region_code"]}

    # Some counties have rows but no figure in a column (Narok and Embu none at all): upstream
    # skips blank cells, so it has no value for them; logframe has a cell with no data.
    for ind_id, tag, i in [("AFFECTED", "#affected+total", 0), ("TARGETED", "#targeted+total", 1)]:
        got = cells(ind_id)
        assert set(got) == set(sql) and set(upstream[tag]) <= set(sql)
        for code, value in got.items():
            assert same(sql[code][i], value, "sum"), (ind_id, code, sql[code][i], value)
            if code in upstream[tag]:
                assert value == int(upstream[tag][code]), (ind_id, code)
            else:
                assert sql[code][i] is None, (ind_id, code)
    assert {k: "%.0f" % v for k, v in cells("PRIORITY").items()} == upstream["#priority"]
    assert all(math.isclose(v, sql[k][3], rel_tol=1e-12) for k, v in cells("PRIORITY").items())
    # No reached figure anywhere: every cell is "no data" (null; 0 before issue 11 item 3).
    assert all(sql[k][2] is None for k in sql)
    assert all(same(None, v, "sum") for v in cells("REACHED").values())


def test_without_the_options_the_sheet_is_refused_with_hints(tmp_path):
    """The same sheet with the plain keys: the group row is taken as the header, so every
    hashtag column is missing; with the header found but no `thousands`, "80 418" is a type error
    whose hint names the key."""
    text = (HERE / "hdx-ethiopia.yml").read_text().replace("data/", f"{DATA}/")
    no_header = tmp_path / "no-header.yml"
    no_header.write_text(text.replace("    header_row: 2\n", ""))
    run = subprocess.run([binary(), "validate", str(no_header), "--format", "json"], capture_output=True, text=True)
    assert run.returncode == 1
    codes = {d["code"] for d in json.loads(run.stdout)["diagnostics"]}
    assert codes == {"missing-column"}, codes
    no_thousands = tmp_path / "no-thousands.yml"
    no_thousands.write_text(text.replace("    thousands: space\n", ""))
    run = subprocess.run([binary(), "validate", str(no_thousands), "--format", "json"], capture_output=True, text=True)
    assert run.returncode == 1
    diagnostics = json.loads(run.stdout)["diagnostics"]
    first = next(d for d in diagnostics if d["code"] == "field-type")
    assert first["line"] == 4 and "80 418" in first["message"]   # physical line: group, labels, tags, then data
    assert "thousands: space" in first["hint"]


# ------------------------------------------------------------------------------------ Kobo

PERIODS = [("before-survey", "2022-11-01", "2022-11-16"), ("survey-day-1", "2022-11-17", "2022-11-17"),
           ("survey-day-2", "2022-11-18", "2022-11-30")]
START = "2022-11-01"


def kobo_tables(con):
    def number(column, missing=("888",)):
        placeholders = ", ".join(f"'{m}'" for m in ("",) + missing)
        return f"""CASE WHEN trim("{column}") IN ({placeholders}) THEN NULL ELSE CAST("{column}" AS INTEGER) END"""

    con.execute(f"""CREATE TABLE households AS SELECT
            CAST(_index AS INTEGER) AS idx,
            CAST(substr(_submission_time, 1, 10) AS DATE) AS d,
            {number("MAD_submodule/InfantNb", ())} AS infants
        FROM read_csv('{KOBO / "data.csv"}', header = true, all_varchar = true)""")
    r = "MAD_submodule/RepeatMAD/"
    con.execute(f"""CREATE TABLE children AS SELECT
            CAST(c._parent_index AS INTEGER) AS household,
            {number(r + "PCMADChildSex")} AS sex,
            {number(r + "PCMADBreastfeed")} AS breastfed,
            {number(r + "PCMADMeals")} AS meals,
            {number(r + "PCMADChildAge_calc_months", ("NaN",))} AS age_calculated,
            {number(r + "PCMADChildAge_months")} AS age_months,
            h.d AS d
        FROM read_csv('{KOBO / "MAD_submodule_RepeatMAD.csv"}', header = true, all_varchar = true) c
        JOIN households h ON h.idx = CAST(c._parent_index AS INTEGER)""")
    assert con.execute("SELECT count(*) FROM children").fetchone() == (15,)


KOBO_INDICATORS = {
    "CHILDREN": ("children", "count(*)", "count"),
    "BREASTFED": ("children", "count(*) FILTER (WHERE breastfed = 1)", "count"),
    "BREASTFED-ANSWERED": ("children", "count(breastfed)", "count"),
    "MEALS": ("children", "avg(meals)", "avg"),
    "MEALS-TOTAL": ("children", "sum(meals)", "sum"),
    "AGE-KNOWN": ("children", "count(age_calculated)", "count"),
    "AGE": ("children", "avg(age_months)", "avg"),
    "HOUSEHOLDS": ("households", "count(*)", "count"),
    "INFANTS": ("households", "sum(infants)", "sum"),
    "HOUSEHOLDS-WITH-CHILDREN": ("children", "count(DISTINCT household)", "count"),
}
SEX_CELLS = {"0": "sex = 0", "1": "sex = 1", None: "sex IS NULL"}


@pytest.fixture(scope="module")
def kobo():
    con = duckdb.connect()
    kobo_tables(con)
    return con, report(HERE / "wfp-nut-mad.yml", "2022-11-30")


def expected(con, table, agg, start, end, cell="TRUE"):
    """An aggregate over the records dated start..end; null for a period that ends before the
    source's first record (SPEC 5: no data is not zero)."""
    (first,) = con.execute(f"SELECT min(d) FROM {table}").fetchone()
    if str(first) > end:
        return None
    (value,) = con.execute(f"SELECT {agg} FROM {table} WHERE d BETWEEN DATE '{start}' AND DATE '{end}' AND {cell}").fetchone()
    return value


def test_kobo_export_reads_and_every_child_joins(kobo):
    _, rep = kobo
    counts = {s["id"]: (s["rowsRead"], s["rowsUsed"], s["rowsRejected"]) for s in rep["sources"]}
    assert counts == {"households": (11, 11, 0), "children": (15, 15, 0)}
    assert [(p["id"], p["start"], p["end"]) for p in rep["periods"]] == PERIODS
    assert rep["diagnostics"] == {"errors": 0, "warnings": 0}


def test_kobo_figures_per_sex_and_period_match_duckdb(kobo):
    con, rep = kobo
    checked = 0
    for ind in rep["indicators"]:
        table, agg, kind = KOBO_INDICATORS[ind["id"]]
        for i, (pid, start, end) in enumerate(PERIODS):
            period, cumulative = expected(con, table, agg, start, end), expected(con, table, agg, START, end)
            got = ind["periods"][i]
            assert same(period, got["value"], kind), (ind["id"], pid, "period", period, got["value"])
            assert same(cumulative, got["cumulative"], kind), (ind["id"], pid, "cumulative", cumulative, got["cumulative"])
            checked += 2
        assert same(expected(con, table, agg, START, PERIODS[-1][2]), ind["current"], kind)
        for breakdown in ind["breakdowns"]:
            assert breakdown["by"] == ["sex"]
            cells = {c["key"]["sex"]: c for c in breakdown["cells"]}
            assert set(cells) == set(SEX_CELLS)
            for key, condition in SEX_CELLS.items():
                current = expected(con, table, agg, START, PERIODS[-1][2], condition)
                assert same(current, cells[key]["value"], kind), (ind["id"], key, current, cells[key]["value"])
                for i, (pid, start, end) in enumerate(PERIODS):
                    value = expected(con, table, agg, start, end, condition)
                    assert same(value, cells[key]["periods"][i], kind), (ind["id"], key, pid, value, cells[key]["periods"][i])
                    checked += 1
    assert checked == 132   # 10 indicators x 3 periods x 2, 7 breakdowns x 3 cells x 4 figures


def test_no_child_counts_before_its_survey(kobo):
    """Dated by their household, the children are in no period (and no cumulative figure)
    before the survey started."""
    _, rep = kobo
    children = next(i for i in rep["indicators"] if i["id"] == "CHILDREN")
    assert [(p["value"], p["cumulative"]) for p in children["periods"]] == [(None, None), (13, 13), (2, 15)]


def test_an_undated_repeat_is_warned_and_counts_before_its_survey(tmp_path):
    """Without `date:`, the children count in every cumulative figure, also before the survey:
    the definitions get an `undated-source` warning that gives the fix."""
    text = (HERE / "wfp-nut-mad.yml").read_text().replace("data/", f"{DATA}/")
    undated = tmp_path / "undated.yml"
    undated.write_text(text.replace("    date: households.submitted\n", ""))
    run = subprocess.run([binary(), "validate", str(undated), "--format", "json"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    (warning,) = [d for d in json.loads(run.stdout)["diagnostics"] if d["severity"] == "warning"]
    assert warning["code"] == "undated-source"
    assert "date: households.submitted" in warning["hint"]
    rep = report(undated, "2022-11-30")
    children = next(i for i in rep["indicators"] if i["id"] == "CHILDREN")
    assert children["periods"][0]["cumulative"] == 15
