#!/usr/bin/env python3
"""`make bench`: logframe against the shared reference tools on the reference workload.

Data, indicator definitions and tool scripts come from ../shared/bench (the reference benchmark);
this file only drives them. See bench/README.md.  Environment:
  BENCH_ROWS     rows to generate (default 1000000; 10000000 is the reference's large size)
  BENCH_ROUNDS   interleaved rounds (default 3)
  BENCH_SHARED   the reference folder (default ../shared/bench from the repository root)
  LOGFRAME_BIN   the binary to time (default .build/release/logframe)
  BENCH_NO_INSTALL=1  never pip/apt install a missing tool; skip it instead
  LOGFRAME_PG    "socket-folder:port" of a PostgreSQL server to use (as .ci/run sets it);
                 otherwise a throwaway cluster is started when PostgreSQL is installed
  BENCH_NO_PG=1  leave PostgreSQL out
"""
import atexit, datetime, decimal, glob, hashlib, importlib.util, json, os, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.abspath(os.environ.get("BENCH_SHARED", os.path.join(ROOT, "..", "shared", "bench")))
DATA, RES = os.path.join(HERE, "data"), os.path.join(HERE, "results")
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BIN = os.environ.get("LOGFRAME_BIN", ".build/release/logframe")
PY = sys.executable
INSTALL = os.environ.get("BENCH_NO_INSTALL") != "1"


def load_shared(name):
    spec = importlib.util.spec_from_file_location("shared_" + name, os.path.join(SHARED, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


common = load_shared("common")        # indicator names, which of them are floats
driver = load_shared("bench")         # run_once: /usr/bin/time -v around `sh -c CMD`


def have(module):
    return subprocess.run([PY, "-c", f"import {module}"], capture_output=True).returncode == 0


def ensure(module):
    """Import check in the interpreter the tools run in; pip install on demand, never fatal."""
    if have(module):
        return True
    if INSTALL:
        print(f"bench: {module} missing, trying pip install {module} ...", flush=True)
        try:
            subprocess.run([PY, "-m", "pip", "install", "-q", module], timeout=600,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            pass
    ok = have(module)
    if not ok:
        print(f"bench: {module} not available (offline?); skipping what needs it", flush=True)
    return ok


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def prepare_data():
    """bench/data/act_<rows>.csv from the shared seeded generator; activity.csv links to it."""
    name = {1_000_000: "act_1m.csv", 10_000_000: "act_10m.csv"}.get(ROWS, f"act_{ROWS}.csv")
    known = dict(reversed(l.split()) for l in open(os.path.join(SHARED, "data.sha256")) if l.strip())
    want, path = known.get(name), os.path.join(DATA, name)
    os.makedirs(DATA, exist_ok=True)
    if os.path.exists(path) and (want is None or sha256(path) == want):
        print(f"bench: reusing {os.path.relpath(path, ROOT)}", flush=True)
    else:
        if not ensure("numpy"):
            sys.exit("bench: the generator needs numpy")
        print(f"bench: generating {ROWS:,} rows with {SHARED}/gen.py ...", flush=True)
        subprocess.run([PY, os.path.join(SHARED, "gen.py"), str(ROWS), path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
        if want and sha256(path) != want:
            print(f"bench: WARNING {name} differs from {SHARED}/data.sha256 (other numpy version?); "
                  "figures are still checked against DuckDB on this file", flush=True)
    link = os.path.join(DATA, "activity.csv")     # the path bench/reference.yml reads
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(name, link)
    return path


def tools(csv):
    out = [("logframe", f"cd {ROOT} && {BIN} report bench/reference.yml --format json "
                        f"--output bench/results/logframe.json")]
    if ensure("polars"):
        out.append(("polars t2", f"POLARS_MAX_THREADS=2 {PY} {SHARED}/run_polars.py {csv} {RES}/polars_t2.tsv"))
    if ensure("duckdb"):
        out.append(("duckdb-tuned t2", f"{PY} {SHARED}/run_duckdb.py {csv} 2 {RES}/duckdb_tuned_t2.tsv tuned"))
        # The engine row: logframe's generated SQL run in DuckDB (report --engine), on the CSV
        # loaded once, untimed, as docs/database.md says (text columns + _line). Its report must
        # be the local one (checked in round 0); its time is compared with duckdb-tuned's.
        db = engine_table(csv)
        out.append(("logframe --engine duckdb t2", f"cd {ROOT} && LOGFRAME_DUCKDB_THREADS=2 {BIN} report bench/reference.yml "
                                                    f"--format json --engine duckdb:{db} --output bench/results/logframe_engine.json"))
    url = postgres(csv)
    if url:
        # PostgreSQL: the hand-tuned SQL and logframe's generated SQL, both on the same table of
        # text columns (loaded once, untimed), both through psql.
        out.append(("postgres-tuned", f"{PY} {HERE}/run_postgres.py '{url}' {RES}/postgres_tuned.tsv"))
        out.append(("logframe --engine postgres", f"cd {ROOT} && {BIN} report bench/reference.yml --format json "
                                                   f"--engine '{url}' --output bench/results/logframe_engine_pg.json"))
    return out


# PostgreSQL's settings for the bench, the same for both of its rows: the defaults but for the
# memory a hash aggregate may take before it spills to disk (4 MB by default; a reporting server
# is given more).
PG_SETTINGS = "-c work_mem=256MB -c shared_buffers=512MB"


def postgres(csv):
    """A database URL with the table `activity` (text columns plus `_line`), or None."""
    if os.environ.get("BENCH_NO_PG") == "1" or not shutil.which("psql"):
        return None
    if os.environ.get("LOGFRAME_PG"):
        host, port = os.environ["LOGFRAME_PG"].rsplit(":", 1)
    else:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins or os.geteuid() != 0:
            print("bench: no PostgreSQL server to start (needs the postgresql package and root); skipping it", flush=True)
            return None
        pg_bin, host, port = bins[-1], tempfile.mkdtemp(prefix="logframe-bench-pg."), "54331"
        shutil.chown(host, "postgres")
        start = (f"{pg_bin}/initdb -D {host}/data -A trust -E UTF8 --locale=C.UTF-8 >{host}/initdb.log 2>&1 && "
                 f"{pg_bin}/pg_ctl -D {host}/data -o \"-p {port} -k {host} -c listen_addresses='' {PG_SETTINGS}\" "
                 f"-l {host}/server.log -w start >/dev/null")
        if subprocess.run(["su", "postgres", "-c", start]).returncode:
            print(f"bench: the PostgreSQL cluster did not start (see {host}); skipping it", flush=True)
            return None
        atexit.register(lambda: subprocess.run(["su", "postgres", "-c", f"{pg_bin}/pg_ctl -D {host}/data -m fast stop"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    db = "bench_" + os.path.basename(csv).split(".")[0]
    base = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", "postgres"]
    have_rows = subprocess.run(base + ["-d", db, "-tAc", "SELECT count(*) FROM activity"], capture_output=True, text=True)
    rows = sum(1 for _ in open(csv, "rb")) - 1
    if have_rows.returncode or have_rows.stdout.strip() != str(rows):
        print(f"bench: loading {os.path.basename(csv)} into PostgreSQL database {db} (text columns, _line) ...", flush=True)
        header = open(csv, encoding="utf-8").readline().strip().split(",")
        subprocess.run(base + ["-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{db}"'], check=True)
        subprocess.run(base + ["-d", "postgres", "-c", f"CREATE DATABASE \"{db}\" ENCODING 'UTF8' TEMPLATE template0"], check=True)
        script = (f"CREATE TABLE activity (_line bigint GENERATED ALWAYS AS IDENTITY (START 2), "
                  + ", ".join(f'"{h}" text' for h in header) + ");\n"
                  + f"\\copy activity ({', '.join(header)}) FROM '{csv}' WITH (FORMAT csv, HEADER)\n"
                  + "VACUUM ANALYZE activity;\n")
        subprocess.run(base + ["-d", db], input=script, text=True, check=True)
    return f"postgresql://postgres@/{db}?host={host}&port={port}"


def engine_table(csv):
    """bench/data/<csv>.duckdb: table `activity` of text columns plus `_line`, made once."""
    db = os.path.join(DATA, os.path.basename(csv) + ".duckdb")
    if not os.path.exists(db):
        import duckdb
        print(f"bench: loading {os.path.basename(csv)} into {os.path.relpath(db, ROOT)} (text columns, _line) ...", flush=True)
        con = duckdb.connect(db + ".tmp")
        con.execute("SET threads = 1")  # row_number() OVER () in file order
        con.execute(f"CREATE TABLE activity AS SELECT row_number() OVER () + 1 AS _line, * "
                    f"FROM read_csv('{csv}', all_varchar = true, header = true)")
        con.close()
        os.replace(db + ".tmp", db)
    return db


def same_report_apart_from_files(a, b):
    ja, jb = (json.load(open(x, encoding="utf-8")) for x in (a, b))
    for j in (ja, jb):
        for src in j["sources"]:
            src.pop("files")
    return ja == jb


# ---- verification: logframe JSON vs DuckDB TSV (common.py layout: indicator, dimension, key, value)

AGE = {"<18": "0-17", "18-29": "18-29", "30-59": "30-59", "60+": "60+"}   # logframe key -> DuckDB key
HALF_ULP6 = decimal.Decimal("0.0000005")      # the TSV prints floats with 6 decimals


def logframe_cells(path):
    j = json.load(open(path, encoding="utf-8"), parse_float=decimal.Decimal)
    qs = [p["id"].replace("-", "") for p in j["periods"]]          # 2021-Q1 -> 2021Q1
    cells = {}
    for ind in j["indicators"]:
        i = ind["id"]
        cells[(i, "total", "all")] = ind["current"]
        for q, p in zip(qs, ind["periods"]):
            cells[(i, "quarter", q)] = p["value"]
            if i == "beneficiaries":
                cells[("beneficiaries_cumulative", "quarter", q)] = p["cumulative"]
        for b in ind["breakdowns"]:
            if len(b["by"]) != 1:          # [sex, age_group]: no DuckDB grouping to compare with
                continue
            dim = b["by"][0]
            for c in b["cells"]:
                k = c["key"][dim]
                k = "(not recorded)" if k is None else AGE[k] if dim == "age_group" else k
                cells[(i, dim, k)] = c["value"]
                if dim == "sex":           # a sex cell's period values = DuckDB's (quarter, sex) grouping
                    for q, v in zip(qs, c["periods"]):
                        cells[(i, "quarter_sex", f"{q}|{k}")] = v
    return cells


def same(ind, ref, val):
    if ref == "NA" or val is None:
        return ref == "NA" and val is None
    r = decimal.Decimal(ref)
    if ind in common.FLOATS:     # half a unit of the 6th decimal (TSV rounding) + 1e-9 relative
        return abs(val - r) <= HALF_ULP6 * decimal.Decimal("1.000001") + abs(r) * decimal.Decimal("1e-9")
    return val == r


def verify(duck_tsv, lf_json):
    ref = {}
    for line in open(duck_tsv, encoding="utf-8"):
        i, d, k, v = line.rstrip("\n").split("\t")
        ref[(i, d, k)] = v
    lf = logframe_cells(lf_json)
    bad = [(k, ref[k], lf[k]) for k in sorted(ref) if k in lf and not same(k[0], ref[k], lf[k])]
    bad += [(k, ref[k], "(absent)") for k in sorted(ref) if k not in lf]
    bad += [(k, "(absent)", lf[k]) for k in sorted(lf)
            if k not in ref and not ("(not recorded)" in k[2] and lf[k] in (0, None))]
    compared = sum(1 for k in ref if k in lf)
    print(f"bench: verify logframe vs DuckDB: {compared} of {len(ref)} DuckDB cells compared, "
          f"{len(bad)} mismatches", flush=True)
    with open(os.path.join(RES, "mismatches.tsv"), "w", encoding="utf-8") as f:
        f.write("indicator\tdimension\tkey\tduckdb\tlogframe\n")
        for (i, d, k), r, v in bad:
            f.write(f"{i}\t{d}\t{k}\t{r}\t{v}\n")
    for (i, d, k), r, v in bad[:40]:
        print(f"  MISMATCH {i} {d}={k}: duckdb {r}  logframe {v}")
    if len(bad) > 40:
        print(f"  ... {len(bad) - 40} more in bench/results/mismatches.tsv")
    return len(bad)


def main():
    if not os.path.exists("/usr/bin/time") and INSTALL and os.geteuid() == 0:
        subprocess.run("apt-get install -y -q time || (apt-get update -q && apt-get install -y -q time)",
                       shell=True)
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: needs GNU time at /usr/bin/time (apt-get install time)")
    if not os.access(os.path.join(ROOT, BIN), os.X_OK):
        sys.exit(f"bench: {BIN} not built; run `make bench` (or `swift build -c release`)")
    os.makedirs(RES, exist_ok=True)
    csv = prepare_data()
    cmds = tools(csv)
    subprocess.run(f"cat {csv} > /dev/null", shell=True)       # warm the page cache
    runs = {name: [] for name, _ in cmds}
    problems = []
    for r in range(ROUNDS):
        for name, cmd in cmds:
            res = driver.run_once(cmd)
            runs[name].append(res)
            print(f"[r{r}] {name}: {res['wall']:.3f}s rss={res['rss_kb'] / 1024:.0f}MB "
                  f"cpu={res['cpu']:.2f}s {res['note']}", flush=True)
        if r == 0:                                               # check the figures once, up front
            if runs["logframe"][0]["note"].startswith("FAILED"):
                problems.append("logframe failed")
            elif "duckdb-tuned t2" in runs and not runs["duckdb-tuned t2"][0]["note"].startswith("FAILED"):
                n = verify(f"{RES}/duckdb_tuned_t2.tsv", f"{RES}/logframe.json")
                if n:
                    problems.append(f"{n} mismatches logframe vs DuckDB (bench/results/mismatches.tsv)")
                if "polars t2" in runs:                           # the references among themselves
                    if subprocess.run([PY, f"{SHARED}/verify.py", f"{RES}/duckdb_tuned_t2.tsv",
                                       f"{RES}/polars_t2.tsv"]).returncode:
                        problems.append("polars disagrees with DuckDB")
            else:
                problems.append("not verified: no DuckDB result")
            engine = "logframe --engine duckdb t2"
            if engine in runs and not runs[engine][0]["note"].startswith("FAILED") \
                    and not runs["logframe"][0]["note"].startswith("FAILED"):
                if not same_report_apart_from_files(f"{RES}/logframe.json", f"{RES}/logframe_engine.json"):
                    problems.append("the --engine duckdb report differs from the local one")
            engine = "logframe --engine postgres"
            if engine in runs and not runs[engine][0]["note"].startswith("FAILED") \
                    and not runs["logframe"][0]["note"].startswith("FAILED"):
                if not same_report_apart_from_files(f"{RES}/logframe.json", f"{RES}/logframe_engine_pg.json"):
                    problems.append("the --engine postgres report differs from the local one")
            if "postgres-tuned" in runs and not runs["postgres-tuned"][0]["note"].startswith("FAILED") \
                    and "duckdb-tuned t2" in runs and not runs["duckdb-tuned t2"][0]["note"].startswith("FAILED"):
                if subprocess.run([PY, f"{SHARED}/verify.py", f"{RES}/duckdb_tuned_t2.tsv", f"{RES}/postgres_tuned.tsv"]).returncode:
                    problems.append("the hand-tuned SQL in PostgreSQL disagrees with DuckDB")
    write_table(csv, cmds, runs, problems)
    sys.exit(1 if any(not p.startswith("not verified") for p in problems) else 0)


def write_table(csv, cmds, runs, problems):
    mb = os.path.getsize(csv) / 1e6
    ok = {n: [x for x in rs if not x["note"].startswith("FAILED")] for n, rs in runs.items()}
    med = {n: statistics.median(x["wall"] for x in rs) for n, rs in ok.items() if rs}
    refs = [med[n] for n in ("polars t2", "duckdb-tuned t2") if n in med]
    best = min(refs) if refs else None
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    built = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(ROOT, BIN))).astimezone()
    lines = [f"### logframe vs reference tools: {os.path.basename(csv)}, {mb:.1f} MB, {ROWS:,} rows, "
             f"{ROUNDS} interleaved rounds",
             "",
             f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, nproc {nproc}, logframe {BIN} "
             f"(built {built:%Y-%m-%d %H:%M}, HEAD {commit}), polars/DuckDB with 2 threads. "
             f"Figures: {'; '.join(problems) if problems else 'logframe agrees with DuckDB on every compared cell'}.",
             "",
             "| tool | median wall s (min-max) | rows/s | MB/s | peak RSS MB | CPU s | x fastest ref |",
             "|---|---|---|---|---|---|---|"]
    for name, _ in cmds:
        rs = ok[name]
        if not rs:
            lines.append(f"| {name} | FAILED: {runs[name][0]['note'][:80]} | | | | | |")
            continue
        w = med[name]
        walls = [x["wall"] for x in rs]
        lines.append(f"| {name} | {w:.3f} ({min(walls):.2f}-{max(walls):.2f}) | {ROWS / w / 1e6:.2f} M | "
                     f"{mb / w:,.0f} | {max(x['rss_kb'] for x in rs) / 1024:,.0f} | "
                     f"{statistics.median(x['cpu'] for x in rs):.2f} | "
                     f"{f'{w / best:.2f}' if best else 'n/a'} |")
    if "logframe --engine duckdb t2" in med and "duckdb-tuned t2" in med:
        lines += ["", f"Generated SQL in DuckDB (logframe --engine, on the preloaded text table, checks and typing "
                      f"included) / hand-tuned SQL (duckdb-tuned, from the CSV): "
                      f"{med['logframe --engine duckdb t2'] / med['duckdb-tuned t2']:.2f} x."]
    if "logframe --engine postgres" in med and "postgres-tuned" in med:
        lines += ["", f"Generated SQL in PostgreSQL (logframe --engine) / hand-tuned SQL (postgres-tuned), both on the "
                      f"preloaded text table, server settings `{PG_SETTINGS}`: "
                      f"{med['logframe --engine postgres'] / med['postgres-tuned']:.2f} x."]
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    with open(os.path.join(RES, "latest.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(RES, "latest.json"), "w", encoding="utf-8") as f:
        json.dump(dict(rows=ROWS, rounds=ROUNDS, file=csv, problems=problems, runs=runs), f, indent=1)


if __name__ == "__main__":
    main()
