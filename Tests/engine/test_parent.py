"""Parent joins, unions and `$ID` indicators computed in the database (`--engine`): the JSON report
from DuckDB and PostgreSQL equals the local one byte for byte apart from `sources[].files`, and
the same rows are rejected for the same reasons.

fixtures/households.yml: members joined to their households (`parent:`), dated by the
household's survey date, broken down and filtered by household fields, with dirty rows on both
sides: orphans (no such household, no household key, a household that is itself rejected for a
bad cell, a repeated key or a date outside the programme), a household with no survey date and
one surveyed after the programme, keys that only join once trimmed and NFC-normalised, a key in
another letter case (no join), a rule on a household field; unions of both sources and
indicators naming others with `$ID`."""
import json
import os
import re
import subprocess

import pytest

from enginecheck import ROOT, BIN, csv_tables, load_duckdb, local_report, logframe, same_apart_from_files
from test_engine import check_same, engine_url, params

DEFS = ROOT / "Tests/engine/fixtures/households.yml"


@pytest.fixture(scope="module")
def tables():
    return csv_tables(DEFS)


@pytest.mark.parametrize("engine", params())
def test_parent_join_report_equals_local(engine, tables, tmp_path):
    url = engine_url(engine, "households", tables, tmp_path)
    local, rep, _ = check_same(DEFS, url)
    counts = {s["id"]: (s["rowsRead"], s["rowsUsed"], s["rowsRejected"]) for s in rep["sources"]}
    assert counts == {s["id"]: (s["rowsRead"], s["rowsUsed"], s["rowsRejected"]) for s in local["sources"]}
    assert counts["members"][2] > 0 and counts["households"][2] > 0
    # Through the year: periods after the as-of date, rows dated by their household after it.
    for as_of in ("2024-01-31", "2024-03-31", "2024-06-30", "2024-09-30"):
        check_same(DEFS, url, "--as-of", as_of)


def problems(stderr):
    """(source, line, code) of every row problem `validate` prints, locally (file:line) or in
    the engine (table name:line)."""
    out = []
    for m in re.finditer(r"^(?:table )?(?:\S*/)?(members|households)(?:\.csv)?:(\d+)(?::\d+)?: (?:error|warning): .*\[([a-z-]+)\]$",
                         stderr, re.M):
        out.append((m.group(1), int(m.group(2)), m.group(3)))
    return sorted(out)


@pytest.mark.parametrize("engine", params())
def test_same_rows_rejected_for_the_same_reasons(engine, tables, tmp_path):
    url = engine_url(engine, "households-validate", tables, tmp_path)
    local = logframe("validate", str(DEFS))
    run = logframe("validate", str(DEFS), "--engine", url)
    assert run.returncode == local.returncode == 1
    assert run.stdout == local.stdout  # rows read / used / rejected per source
    want = problems(local.stderr)
    assert ("members", 9, "orphan-parent") in want and ("members", 5, "date-missing") in want
    assert problems(run.stderr) == want
    assert run.stderr.strip().splitlines()[-1] == local.stderr.strip().splitlines()[-1]  # "18 errors, 1 warning"
    # The orphan names the key it refers to, masked as the local reader masks it (hh is personal).
    assert ("table members:7: error: Row 7 (member_id [personal value, 3 characters]) of source members is rejected: "
            "its hh [personal value, 3 characters] names no record of households [orphan-parent]") in run.stderr
    assert "it has no hh, so it cannot be joined to a record of households [orphan-parent]" in run.stderr
    assert "its households.survey_date is outside the programme [date-outside-programme]" in run.stderr


def test_unions_and_named_indicators_are_in_the_script():
    script = logframe("sql", str(DEFS), "--dialect", "duckdb")
    assert script.returncode == 0, script.stderr
    sql = script.stdout
    # The parent is computed before the child that joins it (members come first in the file).
    assert sql.index("s1_acc AS NOT MATERIALIZED (") < sql.index("s0_joined AS (")
    assert "LEFT JOIN s1_acc q ON c.v1 = q.v0" in sql
    # A union reads both sources' rows (WOMEN, filtered on sex, and PEOPLE, every row); `$MEMBERS
    # - $MINORS` by breakdowns MINORS has not.
    unions = [line for line in sql.splitlines()
              if re.match(r"g[0-9]+_rows AS ", line) and "FROM s0_rows" in line and "FROM s1_rows" in line]
    assert len(unions) == 2, unions
    assert any(line.count("= 'F'") >= 2 for line in unions)
    assert "'OLDER/MINORS#1'" in sql and "'OLDER/MEMBERS#1'" in sql


def test_joining_rejected_parent_rows_is_caught(tables, tmp_path):
    """A script that joins every parent row, rejected ones included, gives another report."""
    url = load_duckdb(tmp_path / "planted.duckdb", tables)
    sql = logframe("sql", str(DEFS), "--dialect", "duckdb").stdout
    planted = sql.replace("LEFT JOIN s1_acc q", "LEFT JOIN s1_checked q")
    assert planted != sql
    (tmp_path / "planted.sql").write_text(planted, encoding="utf-8")
    local = local_report(DEFS)
    env = {**os.environ, "LOGFRAME_ENGINE_SCRIPT": str(tmp_path / "planted.sql")}
    wrong = subprocess.run([BIN, "report", str(DEFS), "--format", "json", "--engine", url],
                           capture_output=True, text=True, cwd=ROOT, env=env)
    assert wrong.stdout, wrong.stderr[-2000:]
    assert not same_apart_from_files(local.stdout, wrong.stdout)


KEYS_YML = """logframe: 1
programme: {id: KEYS, title: Keys of two types, start: 2024-01-01, end: 2024-12-31, periods: quarterly}
sources:
  units:
    path: units.csv
    key: code
    fields:
      code: {type: %(parent)s, required: true}
      kind: text
  items:
    path: items.csv
    key: item
    parent: {source: units, key: unit}
    fields:
      item: {type: text, required: true, personal: false}
      unit: {type: %(child)s, personal: false}
dimensions:
  kind: {field: units.kind}
  unit: {field: unit}
results:
  - id: R
    level: output
    title: Items
    indicators:
      - {id: ITEMS, title: Items, source: items, value: count(), by: [kind, unit]}
"""


@pytest.mark.parametrize("engine", params())
@pytest.mark.parametrize("parent_type,child_type,units,items", [
    # An integer key and a text key join by the integer's text: 007 is 7, "007" is not "7".
    ("integer", "text", ["7", "007", "12", "+3"], ["7", "007", " 12", "+3", "3", "12.0"]),
    # A decimal key is keyed by its exact value's text: 1.50 is 1.5, and 2 is 2.0.
    ("number", "text", ["1.50", "2.0", "0.25", "3"], ["1.5", "1.50", "2", "0.25", ".25", "3.0"]),
    ("number", "integer", ["1.50", "2.0", "3", "-4.00"], ["1", "2", "3", "-4", "04"]),
    ("date", "text", ["2024-02-29", "2024-03-01"], ["2024-02-29", "2024-3-1", "2024-03-01"]),
])
def test_keys_of_two_types_join_by_their_text(engine, parent_type, child_type, units, items, tmp_path):
    (tmp_path / "keys.yml").write_text(KEYS_YML % {"parent": parent_type, "child": child_type}, encoding="utf-8")
    (tmp_path / "units.csv").write_text("code,kind\n" + "".join(f"{u},k{i % 2}\n" for i, u in enumerate(units)),
                                        encoding="utf-8")
    (tmp_path / "items.csv").write_text("item,unit\n" + "".join(f"I{i},{u}\n" for i, u in enumerate(items)),
                                        encoding="utf-8")
    defs = tmp_path / "keys.yml"
    name = f"keys-{parent_type}-{child_type}"
    url = engine_url(engine, name, csv_tables(defs), tmp_path)
    local, rep, _ = check_same(defs, url)
    items_source = next(s for s in local["sources"] if s["id"] == "items")
    assert 0 < items_source["rowsUsed"] < items_source["rowsRead"], items_source  # some join, some are orphans
