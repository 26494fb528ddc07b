"""Loads a programme's CSV sources into a database, as docs/database.md tells a data manager to
(text columns named as the header, plus `_line`), and runs `logframe report --engine`.

DuckDB: a database file per programme. PostgreSQL: a database per programme on the server in
LOGFRAME_PG ("socket-folder:port", set by .ci/run; the tests skip without it)."""
import csv
import json
import os
import subprocess
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))


def logframe(*args, cwd=ROOT):
    return subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd)


def local_report(defs, *args):
    run = logframe("report", str(defs), "--format", "json", *args)
    assert run.returncode in (0, 1), run.stderr
    return run


def csv_tables(defs):
    """(table, CSV path) of every CSV source of the definitions, from the local JSON report (its
    files, relative to the definitions file). Tables are named as the source ids, the default."""
    rep = json.loads(local_report(defs).stdout)
    out = []
    for src in rep["sources"]:
        paths = [f["path"] for f in src["files"]]
        if len(paths) == 1 and paths[0].lower().endswith(".csv"):
            out.append((src["id"], str((Path(defs).parent / paths[0]).resolve())))
    return out


def load_duckdb(path, tables):
    """A DuckDB database file with one all-text table per CSV, `_line` counting file lines."""
    if os.path.exists(path):
        os.remove(path)
    con = duckdb.connect(str(path))
    con.execute("SET threads = 1")  # keeps row_number() OVER () in file order
    for table, csv_path in tables:
        con.execute(f'CREATE TABLE "{table}" AS SELECT row_number() OVER () + 1 AS _line, * '
                    f"FROM read_csv('{csv_path}', all_varchar = true, header = true)")
    con.close()
    return f"duckdb:{path}"


def psql(args, sql=None):
    host, port = os.environ["LOGFRAME_PG"].rsplit(":", 1)
    run = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", "postgres", *args],
                         input=sql, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[:3000]
    return run.stdout


def pg_url(database):
    host, port = os.environ["LOGFRAME_PG"].rsplit(":", 1)
    return f"postgresql://postgres@/{database}?host={host}&port={port}"


def load_postgres(database, tables):
    """A fresh database, one table of text columns per CSV (COPY ... CSV HEADER), `_line` an
    identity column counting the file's lines."""
    psql(["-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{database}"'])
    psql(["-d", "postgres", "-c", f"CREATE DATABASE \"{database}\" ENCODING 'UTF8' TEMPLATE template0"])
    script = []
    for table, path in tables:
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
        cols = ", ".join('"' + h.replace('"', '""') + '"' for h in header)
        script.append(f'CREATE TABLE "{table}" (_line bigint GENERATED ALWAYS AS IDENTITY (START 2), '
                      + ", ".join(f'"{h}" text' for h in header) + ");")
        script.append(f"\\copy \"{table}\" ({cols}) FROM '{path}' WITH (FORMAT csv, HEADER)")
    psql(["-d", database], "\n".join(script) + "\n")
    return pg_url(database)


def without_files(report_text):
    """The JSON report with each source's `files` taken out (the one place the engine's report
    differs: tables have no file hashes), re-serialised as logframe writes it is not needed:
    the rest is compared as text, byte for byte, by cutting the `files` arrays out."""
    rep = json.loads(report_text)
    files = [src.pop("files") for src in rep["sources"]]
    return rep, files


def same_apart_from_files(local_text, engine_text):
    """True when the two JSON reports are the same text once every `"files": [...]` array is cut."""
    return cut_files(local_text) == cut_files(engine_text)


def cut_files(text):
    out, i = [], 0
    key = '"files":'
    while True:
        j = text.find(key, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        # skip the balanced [...] after the key (paths and hashes hold no brackets unescaped in strings
        # that matter here: a bracket inside a string is skipped by tracking quotes)
        k = text.index("[", j)
        depth, in_str, esc = 0, False, False
        while True:
            c = text[k]
            if in_str:
                if esc:
                    esc = False
                elif c == "\\":
                    esc = True
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        out.append(key + "[]")
        i = k + 1


SPARK_LOADER = r"""
import csv, os, sys
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType
folder, tables = sys.argv[1], sys.argv[2:]
spark = (SparkSession.builder.master("local[2]").appName("logframe-load").enableHiveSupport()
         .config("spark.ui.enabled", "false")
         .config("spark.sql.warehouse.dir", os.path.join(folder, "spark-warehouse"))
         .config("javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + os.path.join(folder, "metastore_db") + ";create=true")
         .config("spark.driver.extraJavaOptions", "-Dderby.stream.error.file=" + os.path.join(folder, "derby.log"))
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
for item in tables:
    table, path = item.split("=", 1)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [[line] + row for line, row in enumerate(reader, start=2)]
    schema = StructType([StructField("_line", LongType())] + [StructField(h, StringType()) for h in header])
    spark.sql(f"DROP TABLE IF EXISTS `{table}`")
    spark.createDataFrame(rows, schema).write.saveAsTable(table)
spark.stop()
"""


def load_spark(folder, tables):
    """Tables in a local Spark warehouse (Hive metastore in `folder`): text columns as the header,
    `_line` the file line. The Python csv module reads the file, so the lines are in file order."""
    os.makedirs(folder, exist_ok=True)
    run = subprocess.run(["python3", "-c", SPARK_LOADER, str(folder), *[f"{t}={p}" for t, p in tables]],
                         capture_output=True, text=True, cwd=folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return f"spark:{folder}"
