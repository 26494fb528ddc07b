"""Independent cross-check of logframe's counting rules against DuckDB.

A fixed-seed activity log (gen_log.py: ~52,000 service records and ~9,000 outreach contacts,
with missing values, NFD-spelled district names and planted invalid rows) is reported by the
built `logframe` binary (`report --format json`) under six period calendars, and every figure
of the JSON report is recomputed here from the CSV files with SQL written independently of the
Swift code:

* period values (records dated in the period) and cumulative values (programme start to the
  period end), the current value, numerator and denominator of percent/ratio indicators;
* every breakdown cell (declared categories, the "not recorded" cell, cross-tabs), current value
  and period values, and the overlap of additive breakdowns (sum of cells minus the total);
* NULL semantics (SPEC 4): comparisons with null are false, aggregates skip nulls, distinct skips
  tuples with a null, a count over no records is 0, a sum of no value is null, a ratio with a zero denominator is null,
  periods before a source's first record are null ("no data is not zero");
* the row reconciliation per source (read = used + rejected) and per indicator (rows matched);
* progress = 100 x (current - baseline) / (target - baseline).

DuckDB is a hard requirement (CI installs it): a missing module is a failure, not a skip.
"""

from __future__ import annotations

import calendar
import hashlib
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from itertools import product
from pathlib import Path

import duckdb  # noqa: F401  (deliberately not importorskip: CI must have it)
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import gen_log  # noqa: E402

AS_OF = "2023-06-30"
START = gen_log.PROGRAMME_START
END = gen_log.PROGRAMME_END

# ------------------------------------------------------------------------------------------
# The period calendars checked, and an independent implementation of SPEC section 5's cuts.

VARIANTS = {
    "quarterly": {"periods": "quarterly", "year_starts": 1},
    "fiscal-quarterly": {"periods": "quarterly", "year_starts": 7},
    "monthly": {"periods": "monthly", "year_starts": 1},
    "semesters": {"periods": "semesters", "year_starts": 1},
    "years": {"periods": "years", "year_starts": 1},
    "custom": {"periods": [("Phase-1", dt.date(2021, 2, 15), dt.date(2021, 10, 31)),
                           ("Phase-2", dt.date(2021, 11, 1), dt.date(2022, 12, 31)),
                           ("Phase-3", dt.date(2023, 1, 1), dt.date(2023, 6, 30))],
               "year_starts": 1},
    # As of a day inside a period: later periods are not reported, later records do not count.
    "quarterly-as-of": {"periods": "quarterly", "year_starts": 1, "as_of": "2022-11-15"},
}


def as_of(variant: dict) -> str:
    return variant.get("as_of", AS_OF)


def expected_periods(variant: dict) -> list[tuple[str, dt.date, dt.date]]:
    """Reported periods: (id, start, end), clipped to the programme, up to the one containing
    the as-of date."""
    cut = dt.date.fromisoformat(as_of(variant))
    return [p for p in all_periods(variant) if p[1] <= cut]


def all_periods(variant: dict) -> list[tuple[str, dt.date, dt.date]]:
    kind = variant["periods"]
    if isinstance(kind, list):
        return list(kind)
    length = {"monthly": 1, "quarterly": 3, "semesters": 6, "years": 12}[kind]
    ys = variant["year_starts"]
    # Walk back from the programme's first month to the first month of its period.
    year, month = START.year, START.month
    while (month - ys) % length != 0:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    result = []
    while True:
        first = dt.date(year, month, 1)
        if first > END:
            break
        end_month, end_year = month + length - 1, year
        while end_month > 12:
            end_month, end_year = end_month - 12, end_year + 1
        last = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        fiscal_year = year if month >= ys else year - 1
        index = ((month - ys) % 12) // length + 1
        pid = {"monthly": f"{year:04d}-M{month:02d}", "quarterly": f"{fiscal_year:04d}-Q{index}",
               "semesters": f"{fiscal_year:04d}-S{index}", "years": f"{fiscal_year:04d}"}[kind]
        result.append((pid, max(first, START), min(last, END)))
        month += length
        while month > 12:
            year, month = year + 1, month - 12
    return result


# ------------------------------------------------------------------------------------------
# Aggregates (as SQL written for this check) and indicators (as YAML for logframe).

S, O, SO = ("services",), ("outreach",), ("services", "outreach")


@dataclass(frozen=True)
class Agg:
    kind: str                # count | distinct | sum | avg | min | max
    sources: tuple
    where: str | None = None  # SQL condition; NULL counts as false
    args: tuple = ()          # SQL columns


AGGS = {
    "cnt": Agg("count", S),
    "cnt_psy": Agg("count", S, "service = 'psychosocial'"),
    "ppl": Agg("distinct", S, None, ("person_id",)),
    "ppl_u18": Agg("distinct", S, "age < 18", ("person_id",)),
    "pairs": Agg("distinct", S, None, ("person_id", "service")),
    "vt_hours": Agg("sum", S, "service = 'vocational_training'", ("hours",)),
    "cost": Agg("sum", S, None, ("cost_azn",)),
    "avg_cost": Agg("avg", S, None, ("cost_azn",)),
    "min_age": Agg("min", S, None, ("age",)),
    "max_age": Agg("max", S, None, ("age",)),
    "ppl_dis": Agg("distinct", S, "disability", ("person_id",)),
    "u_ppl": Agg("distinct", SO, None, ("person_id",)),
    "o_cnt": Agg("count", O),
    "legal_ppl": Agg("distinct", S, "service = 'legal'", ("person_id",)),
    "legal_cost": Agg("sum", S, "service = 'legal'", ("cost_azn",)),
    "legal_cnt": Agg("count", S, "service = 'legal'"),
    "not_f": Agg("count", S, "sex <> 'F'"),
    # `not (age < 18)` with a null age is `not false` = true (SPEC 4), unlike SQL's NOT NULL.
    "not_child": Agg("count", S, "NOT coalesce(age < 18, false)"),
}

ALL_DIMS = ["sex", "district", "age", [["sex", "age"]], "child"]


@dataclass
class Ind:
    id: str
    value: str                # the YAML expression
    formula: tuple            # ("agg", a) | ("percent", a, b) | ("ratio", a, b) | ("sub", a, b)
    by: list                  # breakdowns: dimension ids, or lists (cross-tabs)
    sources: tuple = S
    cumulative: bool = True
    extra: str = ""           # more YAML (baseline, target, direction)

    @property
    def aggs(self) -> list[str]:
        return list(self.formula[1:])

    @property
    def exact(self) -> bool:
        return self.formula[0] in ("sub",) or (self.formula[0] == "agg" and AGGS[self.formula[1]].kind != "avg")


INDICATORS = [
    Ind("OP1.1", 'count()', ("agg", "cnt"), ["sex", "district", "age", "child", ["sex", "age"]]),
    Ind("OP1.2", 'count(where service == "psychosocial")', ("agg", "cnt_psy"), ["sex", "district"]),
    Ind("OP1.3", 'distinct(person_id)', ("agg", "ppl"), ["sex", "district", "age", "child", ["sex", "age"]],
        extra="baseline: {value: 0, date: 2021-01-31}\ntarget: {value: 12000, date: 2023-06-30}\nmilestones: {2022: 7000}"),
    Ind("OP1.4", 'distinct(person_id where age < 18)', ("agg", "ppl_u18"), ["sex", "district", "child"]),
    Ind("OP1.5", 'distinct(person_id, service)', ("agg", "pairs"), ["district", "age"]),
    Ind("OP1.6", 'sum(hours where service == "vocational_training")', ("agg", "vt_hours"), ["sex", "district", "age"]),
    Ind("OP1.7", 'sum(cost_azn)', ("agg", "cost"), ["district", ["sex", "age"]],
        extra="baseline: 250000\ntarget: {value: 15000000, date: 2023-06-30}"),
    Ind("OP1.8", 'avg(cost_azn)', ("agg", "avg_cost"), ["sex", "district"],
        extra="direction: decrease\nbaseline: 300\ntarget: 200"),
    # By age band: the "not recorded" age cell has records but no age, so its minimum is null.
    Ind("OP1.9", 'min(age)', ("agg", "min_age"), ["sex", "district", "age"]),
    Ind("OP1.10", 'max(age)', ("agg", "max_age"), ["district", "child"]),
    Ind("OP1.11", 'percent(distinct(person_id where disability), distinct(person_id))', ("percent", "ppl_dis", "ppl"),
        ["sex", "district", "age"]),
    Ind("OP1.12", 'ratio(sum(cost_azn), distinct(person_id))', ("ratio", "cost", "ppl"), ["district", "child"]),
    Ind("OP1.13", '$OP1.1 - $OP1.2', ("sub", "cnt", "cnt_psy"), ["sex", "district"]),
    Ind("OP1.14", 'distinct(person_id)', ("agg", "u_ppl"), ["sex", "district", "child"], sources=SO),
    Ind("OP1.15", 'count()', ("agg", "o_cnt"), ["sex", "district"], sources=O),
    Ind("OP1.16", 'distinct(person_id where service == "legal")', ("agg", "legal_ppl"), ["sex", "district"],
        cumulative=False),
    Ind("OP1.17", 'ratio(sum(cost_azn where service == "legal"), count(where service == "legal"))',
        ("ratio", "legal_cost", "legal_cnt"), ["district"]),
    Ind("OP1.18", 'count(where sex != "F")', ("agg", "not_f"), ["sex", "district"]),
    Ind("OP1.19", 'count(where not (age < 18))', ("agg", "not_child"), ["age", "child"]),
]

# Categories of each dimension in display order; None is the "not recorded" cell.
DECLARED = {
    "sex": ["F", "M"],                                # labels (and the field's in: list)
    "district": ["Füzuli", "Ağcabədi", "Tərtər", "Bərdə"],  # the field's in: list
    "age": ["<18", "18-24", "25-59", "60+"],         # generated band keys
    "child": ["true", "false"],                       # a condition: both answers are declared
}
LABELS = {("sex", "F"): "Female", ("sex", "M"): "Male", **{(d, None): "not recorded" for d in DECLARED}}
DIM_SQL = {
    "sex": "sex",
    "district": "district",
    "age": ("CASE WHEN age IS NULL THEN NULL WHEN age < 18 THEN '<18' WHEN age < 25 THEN '18-24' "
            "WHEN age < 60 THEN '25-59' ELSE '60+' END"),
    # `age < 18` with a null age is false (SPEC 4), so no child row is ever "not recorded".
    "child": "CASE WHEN coalesce(age < 18, false) THEN 'true' ELSE 'false' END",
}
DIMS = list(DIM_SQL)

FIELDS_YAML = """\
    key: record_id
    date: visit_date
    fields:
      record_id: text
      visit_date: {type: date, format: dd.MM.yyyy, required: true}
      person_id: {type: text, required: true}
      sex: {type: text, in: [F, M]}
      age: {type: integer, min: 0, max: 120}
      district: {type: text, in: [Füzuli, Ağcabədi, Tərtər, Bərdə]}
      service: {type: text, in: [legal, business, psychosocial, vocational_training]}
      disability: boolean
      hours: number
      cost_azn: number
"""


def definitions_yaml(variant: dict) -> str:
    periods = variant["periods"]
    if isinstance(periods, list):
        periods_yaml = "\n" + "".join(f"    - {{id: {pid}, start: {a}, end: {b}}}\n" for pid, a, b in periods)
        periods_yaml = periods_yaml.rstrip("\n")
    else:
        periods_yaml = " " + periods
    lines = [
        "logframe: 1",
        "programme:",
        "  id: XC-CROSSCHECK",
        "  title: {en: Cross-check programme, az: Yoxlama proqramı}",
        "  donor: UNDP",
        "  country: AZ",
        f"  start: {START}",
        f"  end: {END}",
        "  currency: AZN",
        f"  periods:{periods_yaml}",
        f"  year_starts: {variant['year_starts']}",
        "sources:",
        "  services:",
        "    path: services.csv",
        FIELDS_YAML.rstrip("\n"),
        "  outreach:",
        "    path: outreach.csv",
        FIELDS_YAML.rstrip("\n"),
        "dimensions:",
        "  sex: {field: sex, labels: {F: {en: Female, az: Qadın}, M: {en: Male, az: Kişi}}}",
        "  district: {field: district}",
        "  age: {field: age, bands: [18, 25, 60]}",
        "  child: {expr: age < 18}",
        "results:",
        "  - id: OC1",
        "    level: outcome",
        "    title: Services reach war-affected people",
        "    results:",
        "      - id: OP1",
        "        level: output",
        "        title: Community centres deliver services",
        "        indicators:",
    ]
    for ind in INDICATORS:
        by = ", ".join("[" + ", ".join(b) + "]" if isinstance(b, list) else b for b in ind.by)
        source = ind.sources[0] if len(ind.sources) == 1 else "[" + ", ".join(ind.sources) + "]"
        lines += [
            f"          - id: {ind.id}",
            f"            title: Indicator {ind.id}",
            f"            source: {source}",
            f"            value: '{ind.value}'",
            f"            by: [{by}]",
            f"            cumulative: {'true' if ind.cumulative else 'false'}",
        ]
        lines += ["            " + line for line in ind.extra.splitlines()]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------
# The DuckDB side.

BOOLEAN_TRUE = ("true", "yes", "y", "1", "bəli")
BOOLEAN_FALSE = ("false", "no", "n", "0", "xeyr")


def load_sources(con, directory: str) -> None:
    """Reads both CSV files as text, re-implements the field checks of SPEC section 6 and the
    key check, and leaves the accepted rows, typed, in table `rows` (with a `src` column)."""
    district_list = ", ".join(f"'{d}'" for d in gen_log.DISTRICTS)
    service_list = ", ".join(f"'{s}'" for s in gen_log.SERVICES)
    booleans = ", ".join(f"'{b}'" for b in BOOLEAN_TRUE + BOOLEAN_FALSE)
    parts = []
    for src in ("services", "outreach"):
        path = os.path.join(directory, f"{src}.csv")
        con.execute(f"CREATE OR REPLACE TABLE raw_{src} AS SELECT * FROM read_csv('{path}', all_varchar = true, "
                    "header = true, delim = ',', quote = '\"')")
        con.execute(f"""
            CREATE OR REPLACE TABLE typed_{src} AS
            SELECT rowid AS line_order, record_id,
                   try_strptime(visit_date, '%d.%m.%Y')::DATE AS d, visit_date AS d_raw,
                   person_id, sex, TRY_CAST(age AS INTEGER) AS age, age AS age_raw,
                   nfc_normalize(district) AS district, service,
                   CASE WHEN lower(disability) IN {BOOLEAN_TRUE} THEN true
                        WHEN lower(disability) IN {BOOLEAN_FALSE} THEN false END AS disability,
                   disability AS disability_raw,
                   TRY_CAST(hours AS DECIMAL(18, 2)) AS hours, hours AS hours_raw,
                   TRY_CAST(cost_azn AS DECIMAL(18, 2)) AS cost_azn, cost_azn AS cost_raw
            FROM raw_{src}""")
        con.execute(f"""
            CREATE OR REPLACE TABLE checked_{src} AS
            SELECT *, (
                d IS NOT NULL AND d BETWEEN DATE '{START}' AND DATE '{END}'
                AND person_id IS NOT NULL
                AND (sex IS NULL OR sex IN ('F', 'M'))
                AND (age_raw IS NULL OR (age IS NOT NULL AND age BETWEEN 0 AND 120))
                AND (district IS NULL OR district IN ({district_list}))
                AND (service IS NULL OR service IN ({service_list}))
                AND (disability_raw IS NULL OR lower(disability_raw) IN ({booleans}))
                AND (hours_raw IS NULL OR hours IS NOT NULL)
                AND (cost_raw IS NULL OR cost_azn IS NOT NULL)
            ) AS fields_ok
            FROM typed_{src}""")
        # The key check sees only rows that passed the field checks; the first occurrence wins.
        con.execute(f"""
            CREATE OR REPLACE TABLE accepted_{src} AS
            SELECT * EXCLUDE (fields_ok, seq) FROM (
                SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY line_order) AS seq
                FROM checked_{src} WHERE fields_ok)
            WHERE seq = 1 OR record_id IS NULL""")
        parts.append(f"SELECT '{src}' AS src, d, person_id, sex, age, district, service, disability, hours, cost_azn "
                     f"FROM accepted_{src}")
    con.execute("CREATE OR REPLACE TABLE rows AS " + " UNION ALL ".join(parts))


def agg_columns() -> list[str]:
    cols = []
    for name, a in AGGS.items():
        src = "src IN (" + ", ".join(f"'{s}'" for s in a.sources) + ")"
        cond = src + (f" AND coalesce(({a.where}), false)" if a.where else "")
        filt = f"FILTER (WHERE {cond})"
        cols.append(f"count(*) {filt} AS {name}__matched")
        if a.kind == "count":
            cols.append(f"count(*) {filt} AS {name}__v")
        elif a.kind == "distinct":
            nonnull = " AND ".join(f"{x} IS NOT NULL" for x in a.args)
            tup = a.args[0] if len(a.args) == 1 else "(" + ", ".join(a.args) + ")"
            cols.append(f"count(DISTINCT {tup}) FILTER (WHERE {cond} AND {nonnull}) AS {name}__v")
        elif a.kind == "sum":
            # SQL's SUM of no value is NULL, as logframe's sum is (no data is not zero).
            cols.append(f"sum({a.args[0]}) {filt} AS {name}__v")
        elif a.kind == "avg":
            cols.append(f"sum({a.args[0]}) {filt} AS {name}__sum")
            cols.append(f"count({a.args[0]}) {filt} AS {name}__n")
        elif a.kind in ("min", "max"):
            cols.append(f"{a.kind}({a.args[0]}) {filt} AS {name}__v")
    return cols


BREAKDOWNS = [(), ("sex",), ("district",), ("age",), ("child",), ("sex", "age")]


def duckdb_figures(con, periods, as_of_date: str) -> dict:
    """{(mode, period index, breakdown dims, cell key): {agg: value, agg__matched: n}}, where mode
    'p' is the period's records and 'c' the records from programme start to the period's end.

    Cells are computed for every period ('p') and for the cumulative figure of the last period
    (the current value); the total (breakdown ()) also for every period's cumulative figure."""
    last = len(periods) - 1
    con.execute("CREATE OR REPLACE TABLE windows (mode VARCHAR, idx INTEGER, ws DATE, we DATE)")
    for i, (_, a, b) in enumerate(periods):
        con.execute("INSERT INTO windows VALUES ('p', ?, ?, ?), ('c', ?, ?, ?)", [i, a, b, i, START, b])
    dim_select = ", ".join(f"{DIM_SQL[d]} AS dim_{d}" for d in DIMS)
    aggs = ", ".join(agg_columns())
    grouping = ", ".join(f"GROUPING(dim_{d}) AS g_{d}" for d in DIMS)
    dims = ", ".join(f"dim_{d}" for d in DIMS)
    sets = ", ".join("(" + ", ".join(["mode", "idx"] + [f"dim_{d}" for d in bd]) + ")" for bd in BREAKDOWNS)
    queries = [
        # Every breakdown cell: period values, and the cumulative value of the last period.
        f"""WITH r AS (SELECT *, {dim_select} FROM rows WHERE d <= DATE '{as_of_date}')
            SELECT mode, idx, {grouping}, {dims}, {aggs}
            FROM r JOIN windows w ON r.d BETWEEN w.ws AND w.we
            WHERE w.mode = 'p' OR w.idx = {last}
            GROUP BY GROUPING SETS ({sets})""",
        # The total: the cumulative value of every period, recomputed from the records.
        f"""WITH r AS (SELECT *, {dim_select} FROM rows WHERE d <= DATE '{as_of_date}')
            SELECT mode, idx, {", ".join(f"1 AS g_{d}" for d in DIMS)}, {", ".join(f"NULL AS dim_{d}" for d in DIMS)},
                   {aggs}
            FROM r JOIN windows w ON r.d BETWEEN w.ws AND w.we
            WHERE w.mode = 'c' AND w.idx < {last}
            GROUP BY mode, idx""",
    ]
    out = {}
    for sql in queries:
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            rec = dict(zip(names, row))
            dims_present = tuple(d for d in DIMS if rec[f"g_{d}"] == 0)
            # Order the dimensions as the breakdown declares them (cross-tab sex, age).
            bd = next(b for b in BREAKDOWNS if set(b) == set(dims_present))
            key = tuple(rec[f"dim_{d}"] for d in bd)
            values = {}
            for name, a in AGGS.items():
                values[name + "__matched"] = rec[name + "__matched"]
                if a.kind == "avg":
                    n = rec[name + "__n"]
                    values[name] = None if not n else exact_div(Decimal(rec[name + "__sum"]), Decimal(n))
                elif a.kind in ("count", "distinct"):
                    values[name] = Decimal(rec[name + "__v"])
                else:
                    v = rec[name + "__v"]
                    values[name] = None if v is None else Decimal(v)
            out[(rec["mode"], rec["idx"], bd, key)] = values
    return out


def exact_div(a: Decimal, b: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return a / b


# A cell or period with no record: counts are 0; a sum, like an average, of no value is null.
EMPTY_DEFAULT = {"count": Decimal(0), "distinct": Decimal(0), "sum": None, "avg": None, "min": None, "max": None}


@dataclass
class Fig:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


class Expected:
    """Expected figures of every indicator for one period calendar."""

    def __init__(self, con, periods, as_of_date: str):
        self.periods = periods
        self.data = duckdb_figures(con, periods, as_of_date)
        # First period holding an accepted record of each source (SPEC 5: earlier periods are n/a).
        self.first_period = {}
        for src in ("services", "outreach"):
            (first,) = con.execute("SELECT min(d) FROM rows WHERE src = ? AND d <= ?", [src, as_of_date]).fetchone()
            self.first_period[src] = None if first is None else next(
                i for i, (_, a, b) in enumerate(periods) if a <= first <= b)

    def agg(self, name, mode, p, bd, key):
        assert mode == "p" or not bd or p == len(self.periods) - 1, "cumulative cells: only the current value"
        rec = self.data.get((mode, p, bd, key))
        if rec is None:
            return EMPTY_DEFAULT[AGGS[name].kind], 0
        return rec[name], rec[name + "__matched"]

    def figure(self, ind: Ind, mode, p, bd=(), key=()) -> Fig:
        starts = [self.first_period[s] for s in ind.sources if self.first_period[s] is not None]
        if not starts or p < min(starts):
            return Fig(None)
        vals = [self.agg(a, mode, p, bd, key)[0] for a in ind.aggs]
        kind = ind.formula[0]
        if kind == "agg":
            return Fig(vals[0])
        if kind == "sub":
            return Fig(None if None in vals else vals[0] - vals[1])
        num, den = vals
        if kind == "percent":
            value = None if num is None or not den else exact_div(num * 100, den)
        else:
            value = None if num is None or not den else exact_div(num, den)
        return Fig(value, num, den)

    def cumulative(self, ind: Ind, p: int, bd=(), key=()) -> Fig:
        if ind.cumulative:
            return self.figure(ind, "c", p, bd, key)
        # A level (docs/counting-rules.md): the value of the latest period up to p in which a row
        # matched one of the indicator's filters (in the total, whatever the cell).
        for q in range(p, -1, -1):
            if any(self.agg(a, "p", q, (), ())[1] > 0 for a in ind.aggs):
                return self.figure(ind, "p", q, bd, key)
        return Fig(None)

    def current(self, ind: Ind, bd=(), key=()) -> Fig:
        return self.cumulative(ind, len(self.periods) - 1, bd, key)

    def categories(self, ind: Ind, dims: tuple) -> list[list]:
        """Cells shown per dimension (counting rule 5, docs/counting-rules.md): declared
        categories, then those found in the indicator's matched records (sorted), then None."""
        last = len(self.periods) - 1
        result = []
        for position, d in enumerate(dims):
            found = set()
            for (mode, p, bd, key), rec in self.data.items():
                if mode == "c" and p == last and bd == dims and any(rec[a + "__matched"] > 0 for a in ind.aggs):
                    found.add(key[position])
            found -= set(DECLARED[d]) | {None}
            result.append(DECLARED[d] + sorted(found) + [None])
        return result


# ------------------------------------------------------------------------------------------
# Running logframe.

def logframe_binary() -> str:
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        path = Path(env)
        if not path.is_absolute():
            path = ROOT / path
        assert path.exists(), f"LOGFRAME_BIN={env} does not exist"
        return str(path)
    for candidate in (ROOT / ".build" / "debug" / "logframe", ROOT / ".build" / "release" / "logframe"):
        if candidate.exists():
            return str(candidate)
    build = subprocess.run(["swift", "build"], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, "swift build failed:\n" + build.stdout[-4000:] + build.stderr[-4000:]
    return str(ROOT / ".build" / "debug" / "logframe")


# Every report here is computed with CSV files split between two threads at 200 kB (so each
# file is split several times, some splits landing next to planted bad rows): the path large
# files take. test_split_reports_equal_one_thread checks it against the one-thread path.
SPLIT_BYTES = "200000"


def start_report(binary: str, defs: Path, as_of_date: str, split_bytes: str = SPLIT_BYTES,
                 suffix: str = "") -> subprocess.Popen:
    out = open(defs.with_suffix(suffix + ".json"), "w+b")
    err = open(defs.with_suffix(suffix + ".stderr"), "w+b")
    proc = subprocess.Popen([binary, "report", str(defs), "--format", "json", "--as-of", as_of_date],
                            stdout=out, stderr=err, env={**os.environ, "LOGFRAME_SPLIT_BYTES": split_bytes})
    proc.files = (out, err)
    return proc


def finish_report(proc: subprocess.Popen) -> dict:
    proc.wait(timeout=600)
    out, err = proc.files
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode("utf-8"), err.read().decode("utf-8", "replace")
    out.close()
    err.close()
    # Exit code 1 is expected: the planted invalid rows are error diagnostics.
    assert proc.returncode in (0, 1), f"logframe exited {proc.returncode}:\n{stderr[-4000:]}"
    try:
        return json.loads(stdout, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as error:
        raise AssertionError(f"logframe did not print JSON ({error}); stderr:\n{stderr[-4000:]}\n"
                             f"stdout:\n{stdout[:2000]}")


# ------------------------------------------------------------------------------------------
# Fixtures: the data once per module; the six reports run in the background from the start.

@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    directory = tmp_path_factory.mktemp("crosscheck")
    planted = gen_log.generate(str(directory))
    binary = logframe_binary()
    procs = {}
    for name, variant in VARIANTS.items():
        defs = directory / f"defs-{name}.yml"
        defs.write_text(definitions_yaml(variant), encoding="utf-8")
        procs[name] = start_report(binary, defs, as_of(variant))
    quarterly = directory / "defs-quarterly.yml"
    procs["one-thread"] = start_report(binary, quarterly, as_of(VARIANTS["quarterly"]), split_bytes="0", suffix=".one")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    load_sources(con, str(directory))
    yield {"dir": directory, "planted": planted, "con": con, "procs": procs, "reports": {}}
    for proc in procs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    con.close()


def report_for(workspace, name: str) -> dict:
    if name not in workspace["reports"]:
        workspace["reports"][name] = finish_report(workspace["procs"][name])
    return workspace["reports"][name]


def test_split_reports_equal_one_thread(workspace):
    """The quarterly report computed on one thread is the split one, byte for byte."""
    split = report_for(workspace, "quarterly")
    one = report_for(workspace, "one-thread")
    assert one == split
    assert (workspace["dir"] / "defs-quarterly.one.json").read_bytes() == (workspace["dir"] / "defs-quarterly.json").read_bytes()


def test_split_validation_equals_one_thread(workspace):
    """`validate` on two threads reports exactly what it reports on one (planted bad rows included)."""
    binary = logframe_binary()
    defs = workspace["dir"] / "defs-quarterly.yml"
    outputs = []
    for split in ("0", "150000"):
        run = subprocess.run([binary, "validate", str(defs), "--format", "json"], capture_output=True, text=True,
                             env={**os.environ, "LOGFRAME_SPLIT_BYTES": split}, timeout=600)
        assert run.returncode == 1, run.stderr[-2000:]
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert '"rowsRejected"' in outputs[0] and '"code"' in outputs[0]


# ------------------------------------------------------------------------------------------
# Comparison helpers.

REL = Decimal("1e-12")


class Checker:
    def __init__(self, variant: str):
        self.variant = variant
        self.compared = 0
        self.problems: list[str] = []

    def same(self, expected, got, where: str, exact: bool = True) -> None:
        self.compared += 1
        if expected is None or got is None:
            if expected is not None or got is not None:
                self.problems.append(f"[{self.variant}] {where}: expected {fmt(expected)}, got {fmt(got)}")
            return
        got = Decimal(got)
        if exact:
            ok = expected == got
        else:
            ok = abs(expected - got) <= REL * max(abs(expected), Decimal("1e-30"))
        if not ok:
            self.problems.append(f"[{self.variant}] {where}: expected {fmt(expected)}, got {fmt(got)}")

    def fail_if_any(self) -> None:
        if self.problems:
            shown = "\n".join(self.problems[:60])
            more = f"\n... and {len(self.problems) - 60} more" if len(self.problems) > 60 else ""
            pytest.fail(f"{len(self.problems)} of {self.compared} figures differ from DuckDB:\n{shown}{more}",
                        pytrace=False)


def fmt(value) -> str:
    return "null" if value is None else str(value)


def cell_name(key: dict) -> str:
    return ", ".join(f"{k}={'<not recorded>' if v is None else v}" for k, v in key.items())


FIGURES_COMPARED = {}


# ------------------------------------------------------------------------------------------
# Tests.

@pytest.mark.parametrize("name", list(VARIANTS))
def test_figures_match_duckdb(workspace, name):
    report = report_for(workspace, name)
    periods = expected_periods(VARIANTS[name])
    check = Checker(name)

    got_periods = [(p["id"], p["start"], p["end"]) for p in report["periods"]]
    want_periods = [(pid, str(a), str(b)) for pid, a, b in periods]
    assert got_periods == want_periods, f"[{name}] periods differ:\n got  {got_periods}\n want {want_periods}"

    assert report["asOf"] == as_of(VARIANTS[name])
    expected = Expected(workspace["con"], periods, as_of(VARIANTS[name]))
    by_id = {ind["id"]: ind for ind in report["indicators"]}
    assert list(by_id) == [i.id for i in INDICATORS], f"[{name}] indicators in the report: {list(by_id)}"

    for ind in INDICATORS:
        got = by_id[ind.id]
        exact = ind.exact
        ratio_like = ind.formula[0] in ("percent", "ratio")

        cur = expected.current(ind)
        check.same(cur.value, got["current"], f"{ind.id} current", exact)
        if ratio_like:
            check.same(cur.numerator, got["numerator"], f"{ind.id} current numerator")
            check.same(cur.denominator, got["denominator"], f"{ind.id} current denominator")
        else:
            check.same(None, got["numerator"], f"{ind.id} current numerator (not a ratio)")
            check.same(None, got["denominator"], f"{ind.id} current denominator (not a ratio)")

        assert [p["id"] for p in got["periods"]] == [p[0] for p in periods], f"[{name}] {ind.id} period ids"
        for i, gp in enumerate(got["periods"]):
            pv = expected.figure(ind, "p", i)
            cv = expected.cumulative(ind, i)
            where = f"{ind.id} period {gp['id']}"
            check.same(pv.value, gp["value"], where + " value", exact)
            check.same(cv.value, gp["cumulative"], where + " cumulative", exact)
            if ratio_like:
                check.same(pv.numerator, gp["numerator"], where + " numerator")
                check.same(pv.denominator, gp["denominator"], where + " denominator")

        want_by = [b if isinstance(b, list) else [b] for b in ind.by]
        got_by = [b["by"] for b in got["breakdowns"]]
        assert got_by == want_by, f"[{name}] {ind.id} breakdowns {got_by}, want {want_by}"
        for breakdown in got["breakdowns"]:
            dims = tuple(breakdown["by"])
            want_keys = [dict(zip(dims, combo)) for combo in product(*expected.categories(ind, dims))]
            got_keys = [cell["key"] for cell in breakdown["cells"]]
            if got_keys != want_keys:
                check.problems.append(f"[{name}] {ind.id} by {list(dims)}: cells {got_keys}, want {want_keys}")
                continue
            for cell in breakdown["cells"]:
                for d in dims:
                    want_label = LABELS.get((d, cell["key"][d]), cell["key"][d])
                    if cell["label"][d] != want_label:
                        check.problems.append(f"[{name}] {ind.id} by {list(dims)} cell [{cell_name(cell['key'])}]: "
                                              f"label {cell['label'][d]!r}, want {want_label!r}")
            total_cells = Decimal(0)
            null_cell = False
            for cell in breakdown["cells"]:
                key = tuple(cell["key"][d] for d in dims)
                where = f"{ind.id} by {list(dims)} cell [{cell_name(cell['key'])}]"
                cv = expected.current(ind, dims, key)
                check.same(cv.value, cell["value"], where + " current", exact)
                if ratio_like:
                    check.same(cv.numerator, cell.get("numerator"), where + " current numerator")
                    check.same(cv.denominator, cell.get("denominator"), where + " current denominator")
                if cv.value is not None:
                    total_cells += cv.value
                else:
                    null_cell = True
                assert len(cell["periods"]) == len(periods), f"[{name}] {where}: {len(cell['periods'])} period values"
                for i, value in enumerate(cell["periods"]):
                    check.same(expected.figure(ind, "p", i, dims, key).value, value,
                               f"{where} period {periods[i][0]}", exact)
            # The overlap of additive breakdowns: sum of the cells minus the total (counting rule 5),
            # only when the total and every cell have a value (an n/a cell is not 0).
            if ind.formula[0] == "agg" and AGGS[ind.formula[1]].kind in ("count", "distinct", "sum"):
                want_overlap = None if cur.value is None or null_cell else total_cells - cur.value
                check.same(want_overlap, breakdown["overlap"], f"{ind.id} by {list(dims)} overlap")
                if AGGS[ind.aggs[0]].kind in ("count", "sum") and want_overlap is not None:
                    # Records fall in exactly one cell: additive breakdowns sum to the total exactly.
                    check.same(Decimal(0), breakdown["overlap"], f"{ind.id} by {list(dims)} overlap of an additive count")
                if breakdown["overlap"] is not None:
                    assert Decimal(str(breakdown["overlap"])) >= 0, f"[{name}] {ind.id} by {list(dims)}: negative overlap"
            elif ind.formula[0] == "sub":
                # A difference has no overlap: of distinct counts it could be negative and count nobody twice.
                check.same(None, breakdown["overlap"], f"{ind.id} by {list(dims)} overlap (difference)")
            elif ratio_like:
                check.same(None, breakdown["overlap"], f"{ind.id} by {list(dims)} overlap (ratio: not additive)")

    FIGURES_COMPARED[name] = check.compared
    print(f"\n[{name}] {check.compared} figures compared")
    check.fail_if_any()


@pytest.mark.parametrize("name", ["quarterly", "monthly", "quarterly-as-of"])
def test_rows_accounted_for(workspace, name):
    """Counting rule 6: per source rows read = used + rejected, with the planted rejects; and rows
    matched per indicator and source equal DuckDB's count of accepted rows passing the filters."""
    report = report_for(workspace, name)
    con = workspace["con"]
    planted = workspace["planted"]
    cut = as_of(VARIANTS[name])
    sources = {s["id"]: s for s in report["sources"]}
    assert list(sources) == ["services", "outreach"]
    for src in ("services", "outreach"):
        (read,) = con.execute(f"SELECT count(*) FROM raw_{src}").fetchone()
        (used,) = con.execute(f"SELECT count(*) FROM accepted_{src}").fetchone()
        assert read == planted[src]["rows"], f"DuckDB read {read} rows of {src}, the generator wrote {planted[src]['rows']}"
        assert read - used == planted[src]["rejected"], \
            f"DuckDB rejects {read - used} rows of {src}, {planted[src]['rejected']} were planted"
        s = sources[src]
        assert s["rowsRead"] == s["rowsUsed"] + s["rowsRejected"], f"{src}: read != used + rejected: {s}"
        assert (s["rowsRead"], s["rowsUsed"], s["rowsRejected"]) == (read, used, read - used), \
            f"{src}: logframe read/used/rejected {s['rowsRead']}/{s['rowsUsed']}/{s['rowsRejected']}, " \
            f"expected {read}/{used}/{read - used}"
        (after,) = con.execute(f"SELECT count(*) FROM accepted_{src} WHERE d > ?", [cut]).fetchone()
        assert s["rowsAfterAsOf"] == after, f"{src}: rowsAfterAsOf {s['rowsAfterAsOf']}, want {after}"
        path = workspace["dir"] / f"{src}.csv"
        assert [f["sha256"] for f in s["files"]] == [hashlib.sha256(path.read_bytes()).hexdigest()], src
    assert report["diagnostics"]["errors"] >= planted["services"]["rejected"]

    by_id = {ind["id"]: ind for ind in report["indicators"]}
    problems = []
    for ind in INDICATORS:
        for src in ind.sources:
            conds = [AGGS[a].where for a in ind.aggs if src in AGGS[a].sources]
            cond = "true" if any(c is None for c in conds) else " OR ".join(f"coalesce(({c}), false)" for c in conds)
            (want,) = con.execute(f"SELECT count(*) FROM rows WHERE src = ? AND d <= ? AND ({cond})", [src, cut]).fetchone()
            got = by_id[ind.id]["rowsMatched"].get(src)
            if got is None or Decimal(got) != want:
                problems.append(f"{ind.id} rows matched in {src}: expected {want}, got {got}")
    assert not problems, "\n".join(problems)


def test_progress(workspace):
    """progress = 100 x (current - baseline) / (target - baseline), both directions; with the
    as-of date on the target date the expected value is the target, and the status follows
    r = (current - baseline) / (expected - baseline) against the default thresholds, or, at and
    after the programme end, not-achieved."""
    report = report_for(workspace, "quarterly")
    by_id = {ind["id"]: ind for ind in report["indicators"]}
    for ind_id, baseline, target, decrease in (("OP1.3", 0, 12000, False), ("OP1.7", 250000, 15000000, False),
                                               ("OP1.8", 300, 200, True)):
        ind = by_id[ind_id]
        assert Decimal(ind["baseline"]["value"]) == baseline and Decimal(ind["target"]["value"]) == target, ind_id
        current = Decimal(ind["current"])
        want = exact_div(100 * (current - baseline), Decimal(target - baseline))
        got = ind["progress"]
        assert got is not None and abs(Decimal(got) - want) <= REL * abs(want), \
            f"{ind_id} progress: expected {want}, got {got}"
        assert ind["expected"] is not None and Decimal(ind["expected"]) == target, \
            f"{ind_id} expected at {AS_OF} (the target date): {ind['expected']}, want {target}"
        if (current <= target) if decrease else (current >= target):
            status = "achieved"
        elif AS_OF >= str(END):
            # At and after the programme end a missed target is not achieved, never on track.
            status = "not-achieved"
        else:
            r = (current - baseline) / (Decimal(target) - baseline)
            status = "on-track" if r >= Decimal("0.85") else "at-risk" if r >= Decimal("0.5") else "off-track"
        assert ind["status"] == status, f"{ind_id} status {ind['status']}, want {status}"
    # No target: no progress.
    assert by_id["OP1.1"]["progress"] is None and by_id["OP1.1"]["status"] == "no-target"


def test_non_additive_breakdowns_have_no_overlap(workspace):
    """Counting rule 2/5: an average, minimum or maximum is not additive, so summing its cells is
    meaningless; the overlap of its breakdowns should be null, like a ratio's."""
    report = report_for(workspace, "quarterly")
    by_id = {ind["id"]: ind for ind in report["indicators"]}
    bad = [f"{i.id} by {b['by']}: overlap {b['overlap']}" for i in INDICATORS
           if i.formula[0] == "agg" and AGGS[i.formula[1]].kind in ("avg", "min", "max")
           for b in by_id[i.id]["breakdowns"] if b["overlap"] is not None]
    assert not bad, "overlap reported for non-additive aggregates:\n" + "\n".join(bad)
