"""Every script `logframe sql` writes, for every definitions file in indicators/ and the traps
fixture and the parent-join fixture of Tests/engine, parses with sqlglot in its own dialect
(PostgreSQL and Spark are not run here)."""
import glob

import pytest
import sqlglot

from sqlcheck import ROOT, logframe

DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}
FILES = sorted(glob.glob(str(ROOT / "indicators" / "*.yml"))) + [str(ROOT / "Tests/sql/fixtures/traps.yml"),
                                                                  str(ROOT / "Tests/engine/fixtures/households.yml")]


@pytest.mark.parametrize("defs", FILES, ids=lambda p: p.rsplit("/", 1)[-1])
@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_script_parses(defs, dialect):
    run = logframe("sql", defs, "--dialect", dialect)
    assert run.stdout.startswith("WITH\n"), run.stderr
    statements = sqlglot.parse(run.stdout, read=DIALECTS[dialect], error_level=sqlglot.ErrorLevel.RAISE)
    assert len([s for s in statements if s is not None]) == 1   # one WITH ... SELECT
    # The parser is strict enough to notice a broken script.
    with pytest.raises(sqlglot.errors.ParseError):
        sqlglot.parse(run.stdout.replace("GROUP BY GROUPING SETS (", "GROUP BY GROUPING SETS ((", 1),
                      read=DIALECTS[dialect], error_level=sqlglot.ErrorLevel.RAISE)


def test_xml_sources_are_refused_with_a_located_diagnostic():
    run = logframe("sql", str(ROOT / "indicators/undp-crc.yml"), "--dialect", "duckdb")
    assert run.returncode == 1
    assert "undp-crc.yml:40:3: error: Source meetings is an XML file" in run.stderr
    assert "[sql-xml-source]" in run.stderr and "OP2.1 reads meetings" in run.stderr
    assert '"meetings"' not in run.stdout          # no table read for it
    assert "'OP1.1#1'" in run.stdout                # the CSV indicators are still compiled


def test_spark_warns_about_nfc():
    run = logframe("sql", str(ROOT / "Tests/sql/fixtures/traps.yml"), "--dialect", "spark")
    assert run.returncode == 0
    assert "[sql-no-nfc]" in run.stderr
    assert "nfc" not in run.stdout.lower() and "normalize" not in run.stdout


def test_bad_dialect_is_a_usage_error():
    run = logframe("sql", str(ROOT / "Tests/sql/fixtures/traps.yml"), "--dialect", "oracle")
    assert run.returncode == 2 and "--dialect must be postgres, duckdb or spark" in run.stderr
