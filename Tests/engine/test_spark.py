"""`report --engine spark:FOLDER` on a real local Spark (pyspark from PyPI, Java 17): slow (a
Spark session takes from 20 s to minutes to start on a busy machine), so it runs in
`make test-engines`, not in `make test`; LOGFRAME_SPARK=1 enables it. The Spark dialect is
still checked in `make test` by parsing every script with sqlglot and by golden scripts."""
import os

import pytest

from enginecheck import ROOT, csv_tables, load_spark, local_report, logframe, same_apart_from_files

pytestmark = pytest.mark.skipif(os.environ.get("LOGFRAME_SPARK") != "1", reason="Spark runs in make test-engines")


@pytest.mark.parametrize("name", ["article54", "right-to-the-city"])
def test_spark_report_equals_local(name, tmp_path):
    defs = ROOT / "indicators" / f"{name}.yml"
    stray = ROOT / "derby.log"  # the metastore's log belongs in the warehouse folder
    had_stray = stray.exists()
    url = load_spark(tmp_path / "spark", csv_tables(defs))
    local = local_report(defs)
    engine = logframe("report", str(defs), "--format", "json", "--engine", url)
    assert engine.returncode == local.returncode, engine.stderr[-3000:]
    # Spark cannot normalise text: the warning says so (the samples are NFC already).
    assert "[sql-no-nfc]" in engine.stderr
    assert same_apart_from_files(local.stdout, engine.stdout)
    assert stray.exists() == had_stray and (tmp_path / "spark" / "derby.log").exists()
