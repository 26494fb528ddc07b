"""`logframe report --engine`: the definitions computed inside DuckDB and PostgreSQL give the same
JSON report as the local pass, byte for byte, apart from `sources[].files` (a table has no file
hash: each source names `table:<name>` with an empty sha256). The sample programmes' CSVs and the
DuckDB cross-check's generated programmes (every calendar) are loaded as text tables with a
`_line` column, as docs/database.md tells a data manager to load them. PostgreSQL runs on the
throwaway server in LOGFRAME_PG (.ci/run starts it); those tests skip only without it."""
import json
import os
import re
import sys
from pathlib import Path

import duckdb
import pytest

from enginecheck import (ROOT, csv_tables, cut_files, load_duckdb, load_postgres, local_report, logframe,
                         same_apart_from_files)

sys.path.insert(0, str(ROOT / "Tests/crosscheck"))
import gen_log  # noqa: E402
import test_crosscheck as crosscheck  # noqa: E402

PROGRAMMES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city"]
ENGINES = ["duckdb", "postgres"]
needs_pg = pytest.mark.skipif(not os.environ.get("LOGFRAME_PG"), reason="no PostgreSQL server (LOGFRAME_PG)")


def engine_url(engine, name, tables, tmp):
    if engine == "duckdb":
        return load_duckdb(tmp / f"{name}.duckdb", tables)
    return load_postgres("lfe_" + re.sub(r"[^a-z0-9]", "_", name.lower()), tables)


def params():
    return [pytest.param(e, marks=needs_pg) if e == "postgres" else e for e in ENGINES]


def check_same(defs, url, *args):
    local = local_report(defs, *args)
    engine = logframe("report", str(defs), "--format", "json", "--engine", url, *args)
    assert engine.returncode == local.returncode, engine.stderr[-3000:]
    assert engine.stdout, engine.stderr[-3000:]
    assert same_apart_from_files(local.stdout, engine.stdout), "reports differ"
    rep = json.loads(engine.stdout)
    for src in rep["sources"]:
        assert src["files"] == [{"path": f"table:{src['id']}", "sha256": ""}]
    return json.loads(local.stdout), rep, engine


@pytest.mark.parametrize("engine", params())
@pytest.mark.parametrize("name", PROGRAMMES)
def test_sample_reports_equal_local(engine, name, tmp_path):
    defs = ROOT / "indicators" / f"{name}.yml"
    url = engine_url(engine, name, csv_tables(defs), tmp_path)
    local, rep, run = check_same(defs, url)
    # The planted dirty rows are rejected in the engine, the same ones: counts per source and the
    # report's error count (one per problem, as the local reader gives them).
    assert [s["rowsRejected"] for s in rep["sources"]] == [s["rowsRejected"] for s in local["sources"]]
    assert sum(s["rowsRejected"] for s in rep["sources"]) > 0
    assert rep["diagnostics"]["errors"] > 0
    # Mid-programme too (periods after the as-of date, records after it counted apart).
    mid = local["periods"][len(local["periods"]) // 2]["end"]
    check_same(defs, url, "--as-of", mid)
    # Every other format is built from the same model: the Markdown report too.
    md_local = logframe("report", str(defs), "--format", "md")
    md_engine = logframe("report", str(defs), "--format", "md", "--engine", url)
    assert md_engine.returncode == md_local.returncode
    assert strip_files_md(md_engine.stdout) == strip_files_md(md_local.stdout)


def strip_files_md(text):
    """Markdown reports name each source's files and hashes in the sources table: leave out the
    lines that name a file (or a table); every other line must be the same."""
    return [line for line in text.splitlines() if not re.search(r"table:|\.csv|\([0-9a-f]{12}\)", line)]


@pytest.fixture(scope="module")
def crosscheck_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("enginecross")
    gen_log.generate(str(directory))
    for name, variant in crosscheck.VARIANTS.items():
        (directory / f"defs-{name}.yml").write_text(crosscheck.definitions_yaml(variant), encoding="utf-8")
    tables = [(src, str(directory / f"{src}.csv")) for src in ("services", "outreach")]
    return directory, tables


@pytest.mark.parametrize("engine", params())
def test_crosscheck_programmes_equal_local(engine, crosscheck_dir, tmp_path):
    """The cross-check's programme under every calendar (quarterly, fiscal, monthly, semesters,
    years, custom, an early as-of date), with its planted dirty rows."""
    directory, tables = crosscheck_dir
    url = engine_url(engine, "crosscheck", tables, tmp_path)
    for name, variant in crosscheck.VARIANTS.items():
        defs = directory / f"defs-{name}.yml"
        local, rep, _ = check_same(defs, url, "--as-of", crosscheck.as_of(variant))
        assert sum(s["rowsRejected"] for s in rep["sources"]) > 0, name


def test_planted_summed_distinct_fails(tmp_path):
    """A script whose first-seen counts are per-period distinct counts (a person counted again in
    every period: cumulative distinct = sum of period counts) gives a different report."""
    defs = ROOT / "indicators" / "article54.yml"
    url = load_duckdb(tmp_path / "a54.duckdb", csv_tables(defs))
    script = logframe("sql", str(defs), "--dialect", "duckdb").stdout
    # Each bucket's first sightings become the tuples seen in it (`fs<p>` -> `pc<p>`).
    planted, n = re.subn(r"(_dc\d+_\d+ AS \(SELECT .*)", lambda m: re.sub(r"THEN fs(\d+)", r"THEN pc\1", m.group(1)), script)
    assert n > 0 and planted != script
    (tmp_path / "planted.sql").write_text(planted, encoding="utf-8")
    local = local_report(defs)
    honest = logframe("report", str(defs), "--format", "json", "--engine", url)
    assert same_apart_from_files(local.stdout, honest.stdout)
    env = {**os.environ, "LOGFRAME_ENGINE_SCRIPT": str(tmp_path / "planted.sql")}
    import subprocess
    wrong = subprocess.run([os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe")), "report", str(defs),
                            "--format", "json", "--engine", url], capture_output=True, text=True, cwd=ROOT, env=env)
    assert wrong.stdout
    assert not same_apart_from_files(local.stdout, wrong.stdout)


def test_validate_engine_lists_rejected_rows(tmp_path):
    defs = ROOT / "indicators" / "article54.yml"
    url = load_duckdb(tmp_path / "a54.duckdb", csv_tables(defs))
    local = logframe("validate", str(defs))
    run = logframe("validate", str(defs), "--engine", url)
    assert run.returncode == local.returncode == 1
    assert run.stdout == local.stdout  # rows read / used / rejected per source
    # The first rejected rows by table row and key, with the reason's code.
    assert 'table legal_aid:248: error: Row 248 (case_id "HY-2017-0245") of source legal_aid is rejected' in run.stderr
    assert "[duplicate-key]" in run.stderr and "[field-not-in-list]" in run.stderr and "[date-outside-programme]" in run.stderr
    assert run.stderr.strip().endswith(local.stderr.strip().splitlines()[-1])  # "5 errors, 0 warnings"
    as_json = logframe("validate", str(defs), "--engine", url, "--format", "json")
    assert json.loads(as_json.stdout)


def test_xml_source_refused(tmp_path):
    defs = ROOT / "indicators" / "undp-crc.yml"
    url = load_duckdb(tmp_path / "crc.duckdb", csv_tables(defs))
    out = tmp_path / "report.json"
    run = logframe("report", str(defs), "--engine", url, "-o", str(out))
    assert run.returncode == 1
    assert "[sql-xml-source]" in run.stderr and "[engine-incomplete]" in run.stderr
    assert "Source meetings is an XML file" in run.stderr
    assert not out.exists()


def test_engine_errors_are_plain(tmp_path):
    defs = ROOT / "indicators" / "article54.yml"
    run = logframe("report", str(defs), "--engine", f"duckdb:{tmp_path / 'none.duckdb'}")
    assert run.returncode == 1 and "there is no DuckDB database" in run.stderr and "[engine-failed]" in run.stderr
    # A database without the tables: the engine's own message, no report.
    empty = load_duckdb(tmp_path / "empty.duckdb", [])
    run = logframe("report", str(defs), "--engine", empty)
    assert run.returncode == 1 and "[engine-failed]" in run.stderr and not run.stdout
    run = logframe("report", str(defs), "--engine", "mysql://x")
    assert run.returncode == 2 and "--engine must be" in run.stderr


@pytest.mark.parametrize("engine", params())
def test_derived_indicator_under_its_own_breakdowns(engine, crosscheck_dir, tmp_path):
    """`$OP1.1 - $OP1.2` broken down by dimensions (and a cross-tab) that OP1.2 is not: the
    script computes the named calls again under the derived indicator's breakdowns (ids
    `OP1.13/OP1.2#1`), as the local engine inlines them."""
    directory, tables = crosscheck_dir
    text = crosscheck.definitions_yaml(crosscheck.VARIANTS["quarterly"])
    old = "value: '$OP1.1 - $OP1.2'\n            by: [sex, district]"
    assert old in text
    defs = directory / "defs-derived.yml"
    defs.write_text(text.replace(old, "value: '$OP1.1 - $OP1.2'\n            by: [age, child, [sex, district]]"), encoding="utf-8")
    script = logframe("sql", str(defs), "--dialect", "duckdb").stdout
    assert "'OP1.13/OP1.2#1'" in script and "'OP1.13/OP1.1#1'" in script
    url = engine_url(engine, "derived", tables, tmp_path)
    local, rep, _ = check_same(defs, url, "--as-of", "2023-06-30")
    derived = next(i for i in rep["indicators"] if i["id"] == "OP1.13")
    assert [b["by"] for b in derived["breakdowns"]] == [["age"], ["child"], ["sex", "district"]]
    assert all(b["cells"] for b in derived["breakdowns"])


# Typed table columns (docs/database.md section 2): a column may hold the field's natural SQL type
# instead of its text. The cross-check's sources are loaded as text, then every column whose every
# cell survives the conversion (no dirty cell, no surrounding space, one scale per decimal column)
# is converted: dd.MM.yyyy dates to DATE, whole numbers to BIGINT, decimals to DECIMAL/numeric,
# yes/no to BOOLEAN. The report must be the one computed from the CSV files.
TYPED_CANDIDATES = {"visit_date": "date", "age": "integer", "hours": "numeric", "cost_azn": "numeric", "disability": "boolean"}


def typed_kinds(csv_path):
    import csv
    import datetime as dt
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for col, kind in TYPED_CANDIDATES.items():
        vals = [r[col] for r in rows if r[col] != ""]
        ok = all(v == v.strip(" \t") for v in vals)
        if kind == "date":
            def real(v):
                try:
                    dt.datetime.strptime(v, "%d.%m.%Y")
                except ValueError:
                    return False
                return re.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{4}", v) is not None
            ok = ok and all(real(v) for v in vals)
        elif kind == "integer":
            ok = ok and all(re.fullmatch(r"-?(0|[1-9][0-9]*)", v) for v in vals)
        elif kind == "numeric":
            scales = {len(v.split(".")[1]) if "." in v else 0 for v in vals}
            ok = ok and len(scales) == 1 and all(re.fullmatch(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?", v) for v in vals)
            kind = ("numeric", scales.pop() if scales else 0)
        elif kind == "boolean":
            ok = ok and all(v in ("yes", "no") for v in vals)
        if ok:
            out[col] = kind
    return out


def typed_expression(engine, col, kind):
    c = '"' + col + '"'
    if kind == "date":
        return f"strptime({c}, '%d.%m.%Y')::DATE" if engine == "duckdb" else f"to_date(NULLIF({c}, ''), 'DD.MM.YYYY')"
    if kind == "integer":
        return f"CAST(NULLIF({c}, '') AS BIGINT)"
    if kind == "boolean":
        return f"(NULLIF({c}, '') = 'yes')"
    return f"CAST(NULLIF({c}, '') AS DECIMAL(18, {kind[1]}))" if engine == "duckdb" else f"CAST(NULLIF({c}, '') AS numeric)"


@pytest.mark.parametrize("engine", params())
def test_typed_columns_equal_csv(engine, crosscheck_dir, tmp_path):
    import subprocess
    directory, tables = crosscheck_dir
    url = engine_url(engine, "typed", tables, tmp_path)
    typed_types = set()
    for table, path in tables:
        kinds = typed_kinds(path)
        with open(path, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split(",")
        cols = ", ".join(typed_expression(engine, h, kinds[h]) + f' AS "{h}"' if h in kinds else f'"{h}"' for h in header)
        script = (f'CREATE TABLE "{table}_typed" AS SELECT _line, {cols} FROM "{table}"; DROP TABLE "{table}"; '
                  f'ALTER TABLE "{table}_typed" RENAME TO "{table}";')
        if engine == "duckdb":
            con = duckdb.connect(url[len("duckdb:"):])
            con.execute(script)
            types = dict(con.execute(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}'").fetchall())
            con.close()
        else:
            from enginecheck import psql
            database = url.split("@/", 1)[1].split("?")[0]
            psql(["-d", database], script + "\n")
            out = psql(["-d", database, "-At", "-c", f"SELECT column_name || '|' || data_type FROM information_schema.columns WHERE table_name = '{table}'"])
            types = dict(line.split("|", 1) for line in out.splitlines() if line)
        for col in kinds:
            typed_types.add(types[col].split("(")[0].upper())
    # A date, a whole number and a decimal column at least are typed (and not text).
    assert {"DATE", "BIGINT"} <= typed_types and typed_types & {"DECIMAL", "NUMERIC"}, typed_types
    for name, variant in crosscheck.VARIANTS.items():
        defs = directory / f"defs-{name}.yml"
        local, rep, _ = check_same(defs, url, "--as-of", crosscheck.as_of(variant))
        assert sum(s["rowsRejected"] for s in rep["sources"]) > 0, name
