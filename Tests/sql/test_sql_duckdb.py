"""`logframe sql --dialect duckdb` end to end: the script's building blocks, run on DuckDB tables
loaded from the sample CSVs (read_csv all_varchar), equal logframe's own JSON report."""
import csv
import re

import duckdb
import pytest

from sqlcheck import ROOT, Parts, csv_sources, load_duckdb, mismatches, parts, report, sql_script

PROGRAMMES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]
TRAPS = ROOT / "Tests/sql/fixtures/traps.yml"
TRAPS_CSV = ROOT / "Tests/sql/fixtures/traps.csv"


def as_of_dates(defs):
    rep = report(defs)
    periods = rep["periods"]
    return [rep["asOf"], periods[len(periods) // 2]["end"]]


def run_duckdb(defs, as_of, sql=None, sources=None):
    rep = report(defs, as_of)
    if sql is None:
        sql, _ = sql_script(defs, "duckdb", as_of)
    con = duckdb.connect()
    load_duckdb(con, sources if sources is not None else csv_sources(rep, defs))
    return rep, Parts(parts(con, sql))


@pytest.mark.parametrize("name", PROGRAMMES)
def test_samples_equal_local_report(name):
    defs = ROOT / "indicators" / f"{name}.yml"
    for as_of in as_of_dates(defs):
        rep, got = run_duckdb(defs, as_of)
        compared, wrong = mismatches(rep, got)
        assert compared > 100, compared
        assert wrong == [], wrong[:10]
        # Every CSV source is reconciled, planted dirty rows included.
        for src in rep["sources"]:
            if src["files"][0]["path"].endswith(".csv"):
                assert got.source[(src["id"], "rejected")] == src["rowsRejected"]


def test_traps_truth_tables_and_rejections():
    rep, got = run_duckdb(TRAPS, "2021-12-31", sources=[("traps_people", str(TRAPS_CSV))])
    compared, wrong = mismatches(rep, got)
    assert wrong == [], wrong[:10]
    assert compared > 500
    people = rep["sources"][0]
    # 11 planted dirty rows (impossible date, duplicate key, bad number, rule, outside, no date, ...)
    assert (people["rowsRead"], people["rowsUsed"], people["rowsRejected"]) == (23, 12, 11)
    assert got.source[("people", "rejected")] == 11
    # The truth tables themselves, not only "equal to the report": x / y with y = 0 is null (false),
    # x / 2 == 0.5 holds for x = 1 (no integer division), x not in [1, null] is true for x = 2.
    def cell(ind, x, flag):
        return sum(v["n"] for (a, bd, k, b), v in got.cells.items() if a == f"{ind}#1" and bd == "x,flag" and k == (x, flag, None))
    assert cell("T13", "1", "true") == 1 and cell("T13", "2", "true") == 0
    assert cell("T06", "2", "false") == 1 and cell("T06", None, "false") == 0
    assert cell("T03", None, None) == 1          # not (null == 1) = not false = true
    assert cell("T10", "1", None) == 0           # not null = null: not kept
    assert cell("T11", None, "true") == 1        # x >= 1 is false for null x: not (true and false) = true
    assert cell("T11", "1", None) == 0           # not (null and true) = not null = null: not kept
    assert cell("T09", "2", "true") == 3          # P8, P98 ("TRUE") and P102 ("BƏLİ") read as true
    assert cell("T20", "1", None) == 0 and cell("T20", "1", "false") == 2   # P6 and P100


def test_empty_strings_load_like_nulls():
    """A loader that keeps empty cells as '' (COPY ... CSV into text columns, a CSV read without
    NULL detection) gives the same building blocks as one that makes them NULL."""
    rows = list(csv.reader(open(TRAPS_CSV, newline="", encoding="utf-8")))
    con = duckdb.connect()
    cols = ", ".join(f'"{c}" VARCHAR' for c in rows[0])
    con.execute(f'CREATE TABLE traps_people (_line BIGINT, {cols})')
    con.executemany(f"INSERT INTO traps_people VALUES ({', '.join('?' * (len(rows[0]) + 1))})",
                    [[i + 2] + r for i, r in enumerate(rows[1:])])
    assert con.execute("SELECT COUNT(*) FROM traps_people WHERE x = ''").fetchone()[0] == 3
    sql, _ = sql_script(TRAPS, "duckdb", "2021-12-31")
    rep = report(TRAPS, "2021-12-31")
    compared, wrong = mismatches(rep, Parts(parts(con, sql)))
    assert compared > 500 and wrong == [], wrong[:10]


def summed_distinct(sql):
    """Plants the classic error: first sightings replaced by per-bucket distinct tuples, so the
    running sum becomes a sum of period distinct counts."""
    out, planted = [], 0
    for line in sql.splitlines():
        if re.match(r"g\d+_dc\d+_\d+ AS \(", line):
            # Each bucket's first sightings become the tuples seen in it (`fs<p>` -> `pc<p>`).
            line, n = re.subn(r"THEN fs(\d+)", r"THEN pc\1", line)
            planted += n
        out.append(line)
    assert planted > 0, "no first-sighting unpivot found to plant the error in"
    return "\n".join(out)


def test_summed_distinct_is_caught():
    defs = ROOT / "indicators" / "article54.yml"
    as_of = as_of_dates(defs)[0]
    sql, _ = sql_script(defs, "duckdb", as_of)
    planted = summed_distinct(sql)
    assert planted != sql
    rep, got = run_duckdb(defs, as_of, sql=planted)
    compared, wrong = mismatches(rep, got)
    assert any("cumulative" in w[0] or "value" in w[0] for w in wrong), "a summed distinct count went unnoticed"
    # The honest script passes the same check.
    rep, got = run_duckdb(defs, as_of, sql=sql)
    assert mismatches(rep, got)[1] == []


def test_cell_edges_typed_as_locally():
    """Leading '+', leading zeros, impossible days, one-digit parts, ISO time parts, spaces and
    exponents (Tests/sql/fixtures/cells.csv): the same rows rejected, the same building blocks."""
    defs = ROOT / "Tests/sql/fixtures/cells.yml"
    rep, got = run_duckdb(defs, "2021-12-31", sources=[("edge_cells", str(ROOT / "Tests/sql/fixtures/cells.csv"))])
    compared, wrong = mismatches(rep, got)
    assert wrong == [], wrong[:10]
    assert compared > 20
    cells = rep["sources"][0]
    # E17 (year 0) and E18 (1900 is not a leap year) are refused, E19 (+000, -.5) is used.
    assert (cells["rowsRead"], cells["rowsUsed"], cells["rowsRejected"]) == (19, 8, 11)
    assert got.source[("cells", "rejected")] == 11


def test_two_mask_words_of_buckets():
    """84 monthly buckets (Tests/sql/fixtures/months.yml): a tuple's buckets take two BIGINT
    words, so first sightings after bucket 61, tuples seen in both words and tuples seen twice in
    a month go through the multi-word masks; the building blocks equal the local report's."""
    defs = ROOT / "Tests/sql/fixtures/months.yml"
    sql, _ = sql_script(defs, "duckdb", "2022-12-31")
    assert "m0_1" in sql  # the second word of the first mask
    rep, got = run_duckdb(defs, "2022-12-31", sql=sql, sources=[("month_visits", str(ROOT / "Tests/sql/fixtures/months.csv"))])
    compared, wrong = mismatches(rep, got)
    assert wrong == [], wrong[:10]
    assert compared > 300, compared
    people = next(i for i in rep["indicators"] if i["id"] == "M1")
    by_id = {p["id"]: p for p in people["periods"]}
    assert people["current"] == 60                    # 60 people in the fixture
    assert by_id["2021-M02"]["value"] >= 15 and by_id["2022-M12"]["value"] >= 15  # 15 seen in each by construction
    assert by_id["2022-M12"]["cumulative"] == 60
