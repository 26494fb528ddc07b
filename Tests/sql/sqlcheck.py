"""Runs `logframe sql --dialect duckdb` on DuckDB tables loaded from the sample CSVs and checks the
building blocks it returns against logframe's own JSON report (`report --format json`).

The check rebuilds, in plain Python, only what maps one-to-one onto the parts:
- count / sum / distinct indicators (a single aggregate) and percent/ratio of two aggregates:
  every period value, every cumulative value (running sums over buckets; distinct from the
  first-seen counts, never from period counts), every cell's value and period values;
- rowsMatched per indicator and source; rowsRead/Used/Rejected/AfterAsOf per source.
"""
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
# The database loaders (one table of text columns per CSV, `_line`) are Tests/engine's.
sys.path.insert(0, str(ROOT / "Tests/engine"))
from enginecheck import load_postgres, psql  # noqa: E402
BIN = os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))


def logframe(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, cwd=ROOT)


def sql_script(defs, dialect, as_of):
    run = logframe("sql", str(defs), "--dialect", dialect, "--as-of", as_of)
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout.startswith("WITH"), run.stderr
    return run.stdout, run.stderr


def report(defs, as_of=None):
    run = logframe("report", str(defs), "--format", "json", *(["--as-of", as_of] if as_of else []))
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout, parse_float=Decimal)


def csv_sources(rep, defs):
    """(table, path) of the report's CSV sources (tables are named as the source ids here); the
    report names files relative to the definitions file."""
    out = []
    for src in rep["sources"]:
        paths = [f["path"] for f in src["files"]]
        if len(paths) == 1 and paths[0].lower().endswith(".csv"):
            out.append((src["id"], str((Path(defs).parent / paths[0]).resolve())))
    return out


def load_duckdb(con, sources):
    """sources: [(table, path)]. Text columns named as the header, plus _line in file order."""
    con.execute("SET threads = 1")  # keeps row_number() OVER () in file order
    for table, path in sources:
        con.execute(f'CREATE OR REPLACE TABLE "{table}" AS SELECT row_number() OVER () + 1 AS _line, * '
                    f"FROM read_csv('{path}', all_varchar = true, header = true)")


def parts(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


class Parts:
    def __init__(self, rows):
        self.rows = rows
        self.cells = {}       # (agg, breakdown, keys, bucket) -> row
        self.first = {}       # (agg, breakdown, keys, bucket) -> n
        self.matched = {}     # (indicator, source) -> n
        self.source = {}      # (source, label) -> n
        for r in rows:
            keys = (r["k1"], r["k2"], r["k3"])
            if r["kind"] == "cell":
                self.cells[(r["id"], r["breakdown"], keys, r["bucket"])] = r
            elif r["kind"] == "first_seen":
                self.first[(r["id"], r["breakdown"], keys, r["bucket"])] = r["n"]
            elif r["kind"] == "matched":
                self.matched[(r["id"], r["k1"])] = r["n"]
            elif r["kind"] == "source":
                self.source[(r["id"], r["k1"])] = r["n"]

    def kind_of(self, agg):
        for (a, *_), r in self.cells.items():
            if a == agg:
                if r["distinct_count"] is not None:
                    return "distinct"
                if r["sum_value"] is not None or r["inputs"] != r["n"]:
                    return "sum"
        return None

    def period(self, agg, unit, bd, keys, bucket):
        r = self.cells.get((agg, bd, keys, bucket))
        if unit == "records":
            return r["n"] if r else 0
        if unit == "distinct":
            return r["distinct_count"] if r else 0
        if unit == "sum":
            return r["sum_value"] if r and r["inputs"] else None

    def cumulative(self, agg, unit, bd, keys, bucket):
        """Running value over buckets -1..bucket. Distinct: running sum of first-seen counts."""
        if unit == "distinct":
            return sum(n for (a, b, k, p), n in self.first.items() if (a, b, k) == (agg, bd, keys) and p <= bucket)
        rows = [r for (a, b, k, p), r in self.cells.items() if (a, b, k) == (agg, bd, keys) and p <= bucket]
        if unit == "records":
            return sum(r["n"] for r in rows)
        sums = [r["sum_value"] for r in rows if r["inputs"]]
        return sum(sums) if sums else None


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def compare(rep, parts):
    """Yields (what, expected from the report, got from the parts) for every mapped figure."""
    period_ids = [p["id"] for p in rep["periods"]]
    for src in rep["sources"]:
        sid = src["id"]
        if (sid, "read") not in parts.source:
            continue
        for label, key in (("read", "rowsRead"), ("used", "rowsUsed"), ("rejected", "rowsRejected"), ("after_as_of", "rowsAfterAsOf")):
            yield f"source {sid} {key}", src[key], parts.source[(sid, label)]
    for ind in rep["indicators"]:
        iid = ind["id"]
        if not any(k[0] == iid for k in parts.matched):
            continue
        for sid, n in (ind.get("rowsMatched") or {}).items():
            yield f"{iid} rowsMatched {sid}", n, parts.matched.get((iid, sid))
        unit = ind["countingUnit"]
        if unit in ("records", "distinct", "sum"):
            aggs = [(f"{iid}#1", unit)]
            if parts.kind_of(f"{iid}#2") is not None or any(k[0] == f"{iid}#2" for k in parts.cells):
                continue  # arithmetic over several aggregates: not mapped directly
            fields = [("value", "cumulative", None)]
        elif unit in ("percent", "ratio") and ind["value"].count("(") == 3:
            aggs = [(f"{iid}#1", None), (f"{iid}#2", None)]
            fields = None
        else:
            continue
        for agg, u in aggs:
            if u is None:
                u = parts.kind_of(agg) or ("distinct" if "distinct(" in ind["value"] else "records")
                if "sum(" in ind["value"]:
                    continue
            part_name = None if len(aggs) == 1 else ("numerator" if agg.endswith("#1") else "denominator")
            for p in ind["periods"]:
                b = period_ids.index(p["id"])
                want_p = p["value"] if part_name is None else p[part_name]
                want_c = p["cumulative"] if part_name is None else None
                if want_p is not None:
                    yield f"{agg} period {p['id']}", want_p, parts.period(agg, u, "*", (None, None, None), b)
                if want_c is not None and ind["cumulative"]:
                    yield f"{agg} cumulative {p['id']}", want_c, parts.cumulative(agg, u, "*", (None, None, None), b)
            last = max(period_ids.index(p["id"]) for p in ind["periods"]) if ind["periods"] else -1
            for bd in ind.get("breakdowns") or []:
                label = ",".join(bd["by"])
                for cell in bd["cells"]:
                    keys = tuple(cell["key"][d] for d in bd["by"]) + (None,) * (3 - len(bd["by"]))
                    for i, v in enumerate(cell["periods"]):
                        b = period_ids.index(ind["periods"][i]["id"])
                        if part_name is None and v is not None:
                            yield f"{agg} cell {label}={keys} period {b}", v, parts.period(agg, u, label, keys, b)
                    want = cell["value"] if part_name is None else cell.get(part_name)
                    if want is not None and ind["cumulative"]:
                        yield f"{agg} cell {label}={keys} value", want, parts.cumulative(agg, u, label, keys, last)


def mismatches(rep, parts):
    compared, wrong = 0, []
    for what, want, got in compare(rep, parts):
        compared += 1
        if not same(want, got):
            wrong.append((what, want, got))
    return compared, wrong


# ---------------------------------------------------------------------------------------------
# PostgreSQL through psql (optional: the tests skip when LOGFRAME_PG is not set, see .ci/run).

def parts_postgres(database, sql):
    import csv as _csv
    import io
    out = psql(["-d", database, "--csv"], sql)
    rows = list(_csv.DictReader(io.StringIO(out)))
    ints = ("bucket", "n", "inputs", "distinct_count")
    decs = ("sum_value", "min_value", "max_value")
    for r in rows:
        for k in r:
            if r[k] == "":
                r[k] = None   # psql --csv prints NULL as nothing; the script never returns ''
            elif k in ints:
                r[k] = int(r[k])
            elif k in decs:
                r[k] = Decimal(r[k])
    return rows
