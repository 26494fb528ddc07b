"""Inputs at the edges of what the engine can represent give clear diagnostics, never a crash,
a hang or a wrong figure: huge or over-precise numbers, dimensions with too many categories,
over-wide cross-tabs, and a file where every row is bad. (A source read from a pipe is refused:
test_hostile.py.)"""
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

from test_no_crash import binary

HEAD = """logframe: 1
programme: {id: L, title: Limits, start: 2021-01-01, end: 2021-12-31}
sources:
  s:
    path: %s
    fields:
      id: text
      amount: number
      v: text
      a: text
      b: text
"""


def run(tmp, defs, data, *args, stdin=None):
    (tmp / "defs.yml").write_text(defs, encoding="utf-8")
    if data is not None:
        (tmp / "s.csv").write_text(data, encoding="utf-8")
    return subprocess.run([binary(), *args], cwd=tmp, capture_output=True, timeout=120, input=stdin)


def indicators(body):
    return "results:\n  - id: R\n    level: output\n    title: R\n    indicators:\n" + body


def test_numbers_beyond_eighteen_digits_are_refused_not_a_crash():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        defs = HEAD % "s.csv" + "      small: {type: number, min: 0.001}\n" + indicators(
            "      - {id: S, title: Sum, value: sum(amount)}\n")
        data = "id,amount,v,a,b,small\n1,1e36,x,x,x,1e36\n2,0.000000000001,x,x,x,1\n3,123456789012345678,x,x,x,2\n"
        for args in (["validate", "defs.yml"], ["report", "defs.yml", "--format", "json"]):
            result = run(tmp, defs, data, *args)
            assert result.returncode == 1, result.stderr
            assert b"[field-type]" in result.stderr
        # Row 1 is rejected; 0.000000000001 + 123456789012345678 is kept exactly (a JSON number
        # with every digit, which a float would round).
        raw = run(tmp, defs, data, "report", "defs.yml", "--format", "json").stdout.decode()
        assert '"current": 123456789012345678.000000000001' in raw


def test_a_sum_too_large_to_keep_exactly_is_na_with_an_error():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        defs = HEAD % "s.csv" + indicators("      - {id: S, title: Sum, value: sum(amount)}\n"
                                           "      - {id: C, title: Count, value: count()}\n")
        rows = "".join(f"{i},999999999999999999.999999999999999999,x,x,x\n" for i in range(400))
        result = run(tmp, defs, "id,amount,v,a,b\n" + rows, "report", "defs.yml", "--format", "json")
        assert result.returncode == 1
        assert b"[sum-overflow]" in result.stderr
        report = json.loads(result.stdout)
        figures = {i["id"]: i["current"] for i in report["indicators"]}
        assert figures == {"S": None, "C": 400}


def test_a_dimension_with_too_many_categories_is_withheld_not_miscounted():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        defs = HEAD % "s.csv" + "dimensions:\n  v: {field: v}\n" + indicators(
            "      - {id: N, title: Records, value: count(), by: [v]}\n")
        rows = "".join(f"{i},1,V{i:06d},x,x\n" for i in range(66000))
        result = run(tmp, defs, "id,amount,v,a,b\n" + rows, "report", "defs.yml", "--format", "json")
        assert result.returncode == 1
        assert b"[dimension-too-many-categories]" in result.stderr
        indicator = json.loads(result.stdout)["indicators"][0]
        assert indicator["current"] == 66000
        assert indicator["breakdowns"] == [{"by": ["v"], "overlap": None, "cells": []}]


def test_a_cross_tab_of_five_dimensions_is_refused():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        defs = HEAD % "s.csv" + "dimensions:\n" + "".join(f"  {d}: {{field: {f}}}\n" for d, f in
                                                         [("d1", "id"), ("d2", "v"), ("d3", "a"), ("d4", "b"), ("d5", "amount")]) + indicators(
            "      - {id: N, title: Records, value: count(), by: [[d1, d2, d3, d4, d5]]}\n")
        result = run(tmp, defs, "id,amount,v,a,b\n1,1,x,y,z\n", "validate", "defs.yml")
        assert result.returncode == 1
        assert b"A cross-tab can combine at most 4 dimensions; this one has 5. [invalid-value]" in result.stderr


def test_a_file_where_every_row_is_bad_counts_every_error():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        defs = HEAD % "s.csv" + "      district: {type: text, in: [Füzuli, Ağcabədi, Tərtər, Bərdə, Ağdam]}\n" + indicators(
            "      - {id: N, title: Records, value: count()}\n")
        rows = "".join(f"{i},1,x,x,x,Qubba\n" for i in range(50000))
        result = run(tmp, defs, "id,amount,v,a,b,district\n" + rows, "validate", "defs.yml", "--format", "json")
        assert result.returncode == 1
        out = json.loads(result.stdout)
        assert out["summary"]["errors"] == 50000
        kept = [d for d in out["diagnostics"] if d["code"] == "field-not-in-list"]
        assert len(kept) == 100
        assert sum(s["count"] for s in out["suppressed"] if s["code"] == "field-not-in-list") == 49900
