#!/usr/bin/env python3
"""The reference benchmark's hand-tuned SQL (../shared/bench/indicators_tuned.sql and its
cumulative query), written for PostgreSQL, run through psql on the table `activity` of text
columns that `logframe report --engine` reads too (loaded once by bench.py, untimed).

usage: run_postgres.py DATABASE-URL OUT.tsv   (OUT in the shared cells layout of common.py)

The differences from the DuckDB text are PostgreSQL's own: COUNT(*) FILTER for count_if,
GROUPING(a, b, ...) for GROUPING_ID, typed casts of the text columns instead of read_csv's
detection, an alias on every subquery, and a decimal cast where DuckDB's `/` would give a double.
"""
import importlib.util, os, subprocess, sys, time

url, out = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
shared = os.path.abspath(os.environ.get("BENCH_SHARED", os.path.join(here, "..", "..", "shared", "bench")))
spec = importlib.util.spec_from_file_location("common", os.path.join(shared, "common.py"))
common = importlib.util.module_from_spec(spec)
spec.loader.exec_module(common)

SQL = r"""
\set ON_ERROR_STOP on
\pset format unaligned
\pset fieldsep '\t'
\pset null '\\N'
\pset footer off
\pset tuples_only off
CREATE TEMP TABLE act AS
SELECT beneficiary_id, service, sex, district, CAST(age AS integer) AS age, disability,
       CAST(hours AS numeric) AS hours, CAST(cost_azn AS numeric) AS cost_azn,
       CAST(extract(year FROM CAST(date AS date)) AS integer) || 'Q' ||
       CAST(extract(quarter FROM CAST(date AS date)) AS integer) AS quarter,
       CASE WHEN CAST(age AS integer) < 18 THEN '0-17' WHEN CAST(age AS integer) < 30 THEN '18-29'
            WHEN CAST(age AS integer) < 60 THEN '30-59' ELSE '60+' END AS age_group
FROM activity;
\echo ==== cells
SELECT *,
       100.0 * pwd_reached / NULLIF(beneficiaries, 0)              AS pct_pwd,
       total_cost_azn / NULLIF(beneficiaries, 0)                   AS avg_cost_per_beneficiary,
       CAST(cm_ben AS numeric) / NULLIF(psy_ben, 0)                AS cm_to_psy_ratio
FROM (
  SELECT gid, quarter, sex, district, age_group,
         SUM(n)                              AS services_total,
         COUNT(*)                            AS beneficiaries,
         COUNT(*) FILTER (WHERE child)       AS children_reached,
         COUNT(*) FILTER (WHERE wlegal)      AS women_legal_aid,
         SUM(psy_n)                          AS psychosocial_sessions,
         SUM(voc_h)                          AS training_hours,
         COUNT(*) FILTER (WHERE youth)       AS youth_trained,
         COUNT(*) FILTER (WHERE pwd)         AS pwd_reached,
         SUM(cost)                           AS total_cost_azn,
         COUNT(*) FILTER (WHERE cm)          AS cm_ben,
         COUNT(*) FILTER (WHERE psy)         AS psy_ben
  FROM (
    SELECT GROUPING(quarter, sex, district, age_group) AS gid,
           quarter, sex, district, age_group, beneficiary_id,
           COUNT(*) AS n,
           COUNT(*) FILTER (WHERE service = 'psychosocial') AS psy_n,
           COALESCE(SUM(hours) FILTER (WHERE service = 'vocational_training'), 0) AS voc_h,
           SUM(cost_azn) AS cost,
           bool_or(age < 18) AS child,
           bool_or(sex = 'F' AND service = 'legal') AS wlegal,
           bool_or(service = 'vocational_training' AND age BETWEEN 18 AND 29) AS youth,
           bool_or(disability = 'yes') AS pwd,
           bool_or(service = 'case_management') AS cm,
           bool_or(service = 'psychosocial') AS psy
    FROM act
    GROUP BY GROUPING SETS ((beneficiary_id), (quarter, beneficiary_id), (sex, beneficiary_id),
                            (quarter, sex, beneficiary_id), (district, beneficiary_id),
                            (age_group, beneficiary_id))
  ) per_person
  GROUP BY gid, quarter, sex, district, age_group
) per_cell;
\echo ==== cumulative
WITH first_q AS (SELECT beneficiary_id, MIN(quarter) AS fq FROM act GROUP BY beneficiary_id),
     new_q   AS (SELECT fq, COUNT(*) AS n FROM first_q GROUP BY fq),
     qs      AS (SELECT DISTINCT quarter FROM act)
SELECT qs.quarter, SUM(COALESCE(new_q.n, 0)) OVER (ORDER BY qs.quarter) AS beneficiaries_cumulative
FROM qs LEFT JOIN new_q ON new_q.fq = qs.quarter
ORDER BY qs.quarter;
"""

t0 = time.perf_counter()
run = subprocess.run(["psql", "-X", "-q", url], input=SQL, capture_output=True, text=True)
if run.returncode:
    sys.exit("run_postgres: psql failed: " + run.stderr[-2000:])
t1 = time.perf_counter()


def value(text):
    return None if text == "\\N" else text


sections, name = {}, None
for line in run.stdout.splitlines():
    if line.startswith("==== "):
        name = line[5:]
        sections[name] = []
    elif name:
        sections[name].append([value(v) for v in line.split("\t")])
cells = []
header, *rows = sections["cells"]
for row in rows:
    r = dict(zip(header, row))
    keys = [k for k in ("quarter", "sex", "district", "age_group") if r[k] is not None]
    if keys == []: dim, key = "total", "all"
    elif keys == ["quarter", "sex"]: dim, key = "quarter_sex", f"{r['quarter']}|{r['sex']}"
    else: dim, key = keys[0], r[keys[0]]
    for ind in common.INDICATORS:
        v = r[ind]
        cells.append((ind, dim, key, None if v is None else float(v) if ind in common.FLOATS else int(v)))
for q, c in sections["cumulative"][1:]:
    cells.append(("beneficiaries_cumulative", "quarter", q, int(c)))
n = common.write(out, cells)
print(f"postgres-tuned psql={t1 - t0:.2f}s cells={n}", file=sys.stderr)
