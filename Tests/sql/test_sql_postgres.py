"""`logframe sql --dialect postgres` run on a throwaway PostgreSQL cluster (started by .ci/run,
address in LOGFRAME_PG), checked against the JSON report like the DuckDB script. Skipped when
no server is given."""
import os

import pytest

from sqlcheck import ROOT, Parts, csv_sources, load_postgres, mismatches, parts_postgres, report, sql_script

pytestmark = pytest.mark.skipif(not os.environ.get("LOGFRAME_PG"), reason="no PostgreSQL server (LOGFRAME_PG)")

PROGRAMMES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]


@pytest.mark.parametrize("name", PROGRAMMES + ["traps", "cells", "months"])
def test_postgres_equals_local_report(name):
    if name == "traps":
        defs = ROOT / "Tests/sql/fixtures/traps.yml"
        sources = [("traps_people", str(ROOT / "Tests/sql/fixtures/traps.csv"))]
        as_of = "2021-12-31"
    elif name == "cells":  # edge cells of the typing (leading +, zeros, impossible days, spaces)
        defs = ROOT / "Tests/sql/fixtures/cells.yml"
        sources = [("edge_cells", str(ROOT / "Tests/sql/fixtures/cells.csv"))]
        as_of = "2021-12-31"
    elif name == "months":  # 84 monthly buckets: two words of bucket bits per distinct mask
        defs = ROOT / "Tests/sql/fixtures/months.yml"
        sources = [("month_visits", str(ROOT / "Tests/sql/fixtures/months.csv"))]
        as_of = "2022-12-31"
    else:
        defs = ROOT / "indicators" / f"{name}.yml"
        as_of = report(defs)["asOf"]
        sources = None
    rep = report(defs, as_of)
    db = "lf_" + name.replace("-", "_")
    load_postgres(db, sources if sources is not None else csv_sources(rep, defs))
    sql, _ = sql_script(defs, "postgres", as_of)
    compared, wrong = mismatches(rep, Parts(parts_postgres(db, sql)))
    assert compared > 100, compared
    assert wrong == [], wrong[:10]
