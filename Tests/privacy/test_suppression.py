"""Small-cell suppression (docs/data-protection.md): no withheld figure can be worked out from
what the same report publishes, the totals above the threshold still print, every style marks
the withheld cells, and the bundled child-protection programmes keep their published figures.

The programme here is generated: a few children in two small districts, a handful of records
with no sex, children seen in two districts (an overlap), four quarters, a count, a distinct
count, a percentage and a level indicator, each broken down by sex, by district and by both.
"""
import csv
import json
import os
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIN_CELL = 5


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    return str(ROOT / ".build" / "debug" / "logframe")


DEFINITIONS = """logframe: 1
programme:
  id: TEST-PRIVACY
  title: {en: Small cells, az: Kiçik xanalar}
  donor: UNICEF
  start: 2024-01-01
  end: 2024-12-31
  periods: quarterly
  privacy: {min_cell: 5}
sources:
  visits:
    path: visits.csv
    key: record_id
    date: date
    fields:
      record_id: text
      date: date
      child_id: text
      full_name: {type: text, personal: true}
      sex: {type: text, in: [F, M]}
      district: {type: text, in: [Alpha, Beta, Gamma, Delta]}
      disability: boolean
dimensions:
  sex: {field: sex, labels: {F: {en: Girls, az: Qızlar}, M: {en: Boys, az: Oğlanlar}}}
  district: {field: district}
results:
  - id: OP1
    level: output
    title: Children reached
    indicators:
      - id: C1
        title: Visits
        unit: visits
        value: count()
        by: [sex, district, [sex, district]]
        target: {value: 300, date: 2024-12-31}
      - id: D1
        title: Children visited
        unit: children
        value: distinct(child_id)
        by: [sex, district, [sex, district]]
        target: {value: 150, date: 2024-12-31}
      - id: P1
        title: Share of children with a disability
        unit: "%"
        value: percent(distinct(child_id where disability), distinct(child_id))
        by: [sex, district]
      - id: L1
        title: Children visited in the quarter
        unit: children
        value: distinct(child_id)
        cumulative: false
        by: [district]
"""


def make_visits():
    """Deterministic records: large districts Alpha and Beta, 3 children in Gamma, 2 in Delta
    (one of them also in Alpha), two records without sex, nothing in the last quarter's end."""
    rng = random.Random(14)
    rows = []
    n = 0

    def visit(child, sex, district, month, disability):
        nonlocal n
        n += 1
        rows.append({"record_id": f"V{n:04d}", "date": f"2024-{month:02d}-{rng.randint(1, 28):02d}",
                     "child_id": child, "full_name": f"Name {child}", "sex": sex, "district": district,
                     "disability": "yes" if disability else "no"})

    for c in range(60):
        child = f"A{c:03d}"
        sex = "F" if c % 2 else "M"
        for _ in range(rng.randint(1, 3)):
            visit(child, sex, "Alpha", rng.randint(1, 11), c % 7 == 0)
    for c in range(40):
        child = f"B{c:03d}"
        sex = "F" if c % 3 else "M"
        for _ in range(rng.randint(1, 2)):
            visit(child, sex, "Beta", rng.randint(1, 11), c % 5 == 0)
    for child, sex, month in [("G001", "F", 2), ("G002", "F", 5), ("G003", "M", 8)]:
        visit(child, sex, "Gamma", month, child == "G002")
    visit("D001", "F", "Delta", 3, False)
    visit("A001", "F", "Delta", 9, False)      # also in Alpha: counted in two districts
    visit("N001", "", "Alpha", 4, False)
    visit("N002", "", "Beta", 6, True)
    return rows


@pytest.fixture(scope="module")
def programme(tmp_path_factory):
    folder = tmp_path_factory.mktemp("suppression")
    (folder / "defs.yml").write_text(DEFINITIONS, encoding="utf-8")
    rows = make_visits()
    with open(folder / "visits.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder, rows


def run(folder, *args):
    return subprocess.run([binary(), *args], cwd=folder, capture_output=True)


def report_json(folder, *extra):
    out = run(folder, "report", "defs.yml", "--format", "json", "--as-of", "2024-12-31", *extra)
    assert out.returncode in (0, 1), out.stderr.decode()
    return json.loads(out.stdout)


# MARK: - What a reader can derive

def equations(ind):
    """Every exact additive relation between figures the JSON report publishes for one
    indicator, as lists of (key, sign); a key names one figure. Values in `known`."""
    eqs, value, hidden = [], {}, set()

    def put(key, number, suppressed):
        value[key] = number
        if suppressed:
            hidden.add(key)

    put("current", ind["current"], ind.get("suppressed"))
    for t, p in enumerate(ind["periods"]):
        put(("period", t), p["value"], p.get("suppressed"))
        put(("cum", t), p["cumulative"], p.get("cumulativeSuppressed"))
    records = ind["countingUnit"] == "records"
    for b, br in enumerate(ind["breakdowns"]):
        for k, cell in enumerate(br["cells"]):
            put(("cell", b, k), cell["value"], cell.get("suppressed"))
            for t, v in enumerate(cell["periods"]):
                put(("cellp", b, k, t), v, cell.get("periodsSuppressed", [False] * len(cell["periods"]))[t])
        members = [(("cell", b, k), 1) for k in range(len(br["cells"]))]
        if br["overlap"] is not None or br.get("overlapSuppressed"):
            put(("overlap", b), br["overlap"], br.get("overlapSuppressed"))
            members.append((("overlap", b), -1))
            eqs.append(members + [("current", -1)])
        elif records:
            eqs.append(members + [("current", -1)])
        if records:
            for t in range(len(ind["periods"])):
                eqs.append([(("cellp", b, k, t), 1) for k in range(len(br["cells"]))] + [(("period", t), -1)])
    # Cross-tab cells add up to the one-dimension cells (records; distinct people too, where
    # nobody is in two districts... not exact, so only for records).
    if records:
        for b, br in enumerate(ind["breakdowns"]):
            if len(br["by"]) != 2:
                continue
            for a, margin in enumerate(ind["breakdowns"]):
                if len(margin["by"]) != 1 or margin["by"][0] not in br["by"]:
                    continue
                dim = margin["by"][0]
                for m, mc in enumerate(margin["cells"]):
                    members = [(("cell", b, k), 1) for k, c in enumerate(br["cells"]) if c["key"][dim] == mc["key"][dim]]
                    eqs.append(members + [(("cell", a, m), -1)])
        if ind["cumulative"]:
            for t in range(len(ind["periods"])):
                if t == 0:
                    eqs.append([(("cum", 0), 1), (("period", 0), -1)])
                else:
                    eqs.append([(("cum", t), 1), (("cum", t - 1), -1), (("period", t), -1)])
    if ind["periods"]:
        eqs.append([("current", 1), (("cum", len(ind["periods"]) - 1), -1)])
    return eqs, value, hidden


def derivable(ind):
    """Withheld figures a reader recovers by substitution, and small sums of withheld figures."""
    eqs, value, hidden = equations(ind)
    known = {k: v for k, v in value.items() if k not in hidden and v is not None}
    found, small_sums = {}, []
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            if any(k not in known and k not in hidden for k, _ in eq):
                continue     # a member with no value (n/a)
            unknown = [(k, s) for k, s in eq if k not in known]
            rest = -sum(s * known[k] for k, s in eq if k in known)
            if len(unknown) == 1:
                k, s = unknown[0]
                known[k] = rest / s
                found[k] = known[k]
                changed = True
            elif len(unknown) > 1 and len({s for _, s in unknown}) == 1 and 1 <= abs(rest) < MIN_CELL:
                small_sums.append((unknown, rest))
    return found, small_sums


# MARK: - Tests

def test_small_cells_are_withheld_and_totals_print(programme):
    folder, rows = programme
    rep = report_json(folder)
    assert rep["privacy"] == {"suppression": "applied", "minCell": 5, "note": rep["privacy"]["note"]}
    ind = {i["id"]: i for i in rep["indicators"]}
    # The totals are large: printed.
    assert ind["C1"]["current"] == len(rows) and not ind["C1"]["suppressed"]
    assert ind["D1"]["current"] == len({r["child_id"] for r in rows})
    # Gamma has 3 children, Delta 2: withheld as small, never printed.
    for iid in ("C1", "D1"):
        district = next(b for b in ind[iid]["breakdowns"] if b["by"] == ["district"])
        cells = {c["key"]["district"]: c for c in district["cells"]}
        for small in ("Gamma", "Delta"):
            assert cells[small]["value"] is None and cells[small]["suppressed"] is True
        # Alpha and Beta stay published unless needed to protect the small ones.
        assert sum(1 for c in cells.values() if c["value"] is not None and c["value"] >= MIN_CELL) >= 1
        # The not-recorded sex cell (2 records) is withheld too.
        sex = next(b for b in ind[iid]["breakdowns"] if b["by"] == ["sex"])
        missing = next(c for c in sex["cells"] if c["key"]["sex"] is None)
        assert missing["value"] is None and missing["suppressed"]


def test_no_withheld_figure_can_be_worked_out(programme):
    folder, _ = programme
    rep = report_json(folder)
    checked = 0
    for ind in rep["indicators"]:
        found, small_sums = derivable(ind)
        assert not found, f"{ind['id']}: withheld figures recovered by subtraction: {found}"
        assert not small_sums, f"{ind['id']}: withheld figures with a small known sum: {small_sums}"
        # Ratio parts: a withheld figure has no published part.
        for obj in [ind] + ind["periods"] + [c for b in ind["breakdowns"] for c in b["cells"]]:
            if obj.get("suppressed"):
                assert (obj.get("value"), obj.get("numerator"), obj.get("denominator")) == (None, None, None)
        checked += 1
    assert checked == 4


def test_cell_running_totals_are_withheld_with_their_cells(programme):
    """`cells[].cumulative` (what the exports publish per cell) would give a withheld cell period
    back by difference, or a withheld cell by summing: when any cell figure of an indicator is
    withheld, no cell running total of it is published; the internal report keeps them."""
    folder, _ = programme
    rep = report_json(folder)
    internal = {i["id"]: i for i in report_json(folder, "--internal")["indicators"]}
    withheld_somewhere = 0
    for ind in rep["indicators"]:
        cells = [c for b in ind["breakdowns"] for c in b["cells"]]
        if not any(c.get("suppressed") or any(c.get("periodsSuppressed", [])) for c in cells):
            continue
        withheld_somewhere += 1
        for cell in cells:
            assert all(v is None for v in cell["cumulative"]), (ind["id"], cell["key"], cell["cumulative"])
            assert all(cell["cumulativeSuppressed"]), (ind["id"], cell["key"])
        inner = [c for b in internal[ind["id"]]["breakdowns"] for c in b["cells"]]
        assert any(v is not None for c in inner for v in c["cumulative"])
    assert withheld_somewhere >= 1


def test_the_checker_finds_a_recoverable_cell(programme):
    """The derivation check is not vacuous: on the internal report (real values, flags kept),
    un-withholding every complementary figure leaves small ones recoverable."""
    folder, _ = programme
    rep = report_json(folder, "--internal")
    assert rep["privacy"]["suppression"] == "internal"
    c1 = next(i for i in rep["indicators"] if i["id"] == "C1")
    district = next(b for b in c1["breakdowns"] if b["by"] == ["district"])
    gamma = next(c for c in district["cells"] if c["key"]["district"] == "Gamma")
    assert gamma["value"] == 3 and gamma["suppressed"] is True   # 3 visits of 3 children
    # Keep only the small cell withheld: the total minus the other cells gives it away.
    only_gamma = json.loads(json.dumps(c1))
    only_gamma["suppressed"] = False
    for p in only_gamma["periods"]:
        p["suppressed"] = p["cumulativeSuppressed"] = False
    for b in only_gamma["breakdowns"]:
        b["overlapSuppressed"] = False
        for c in b["cells"]:
            c["suppressed"] = c["key"].get("district") == "Gamma" and len(b["by"]) == 1
            c["periodsSuppressed"] = [False] * len(c["periods"])
    found, _ = derivable(only_gamma)
    assert found == {("cell", 1, 2): 3}


def test_every_style_marks_withheld_cells(programme):
    folder, _ = programme
    for style in ("eu", "undp", "unicef", "iptt", "pirs", "sdg"):
        for lang in ("en", "az"):
            out = run(folder, "report", "defs.yml", "--style", style, "--format", "md", "--lang", lang, "--as-of", "2024-12-31")
            assert out.returncode in (0, 1), out.stderr.decode()
            text = out.stdout.decode()
            assert "&lt;5" in text or "<5" in text, (style, lang)
            assert ("Data protection" if lang == "en" else "Məlumatların qorunması") in text, (style, lang)
        out = run(folder, "report", "defs.yml", "--style", style, "--format", "csv", "--as-of", "2024-12-31")
        assert "<5" in out.stdout.decode(), style


def test_explain_prints_the_same_marks(programme):
    folder, _ = programme
    out = run(folder, "explain", "defs.yml", "C1", "--as-of", "2024-12-31")
    assert out.returncode in (0, 1), out.stderr.decode()
    text = out.stdout.decode()
    gamma = next(line for line in text.splitlines() if line.strip().startswith("Gamma"))
    assert gamma.split()[-1] == "<5"
    assert "sha256" in text and "rows read" in text          # the audit trail stays
    refused = run(folder, "explain", "defs.yml", "C1", "--rows", "all")
    assert refused.returncode == 2 and b"--internal" in refused.stderr
    internal = run(folder, "explain", "defs.yml", "C1", "--as-of", "2024-12-31", "--rows", "all", "--internal")
    assert internal.returncode in (0, 1)
    gamma = next(line for line in internal.stdout.decode().splitlines() if line.strip().startswith("Gamma"))
    assert gamma.strip().endswith("<5 (internal: 3)")


def test_internal_is_json_only(programme):
    folder, _ = programme
    out = run(folder, "report", "defs.yml", "--format", "md", "--internal")
    assert out.returncode == 2 and b"--internal" in out.stderr


def test_reports_without_privacy_have_no_marks(programme, tmp_path):
    folder, _ = programme
    (tmp_path / "defs.yml").write_text(DEFINITIONS.replace("  privacy: {min_cell: 5}\n", ""), encoding="utf-8")
    (tmp_path / "visits.csv").write_bytes((folder / "visits.csv").read_bytes())
    rep = report_json(tmp_path)
    assert "privacy" not in rep
    assert all("suppressed" not in i for i in rep["indicators"])


@pytest.mark.parametrize("programme_id,has_small", [("eu-unicef-child-protection", True), ("ecy-social-services", False)])
def test_bundled_child_programmes_mark_small_cells(programme_id, has_small):
    out = subprocess.run([binary(), "report", f"indicators/{programme_id}.yml", "--format", "json"], cwd=ROOT, capture_output=True)
    assert out.returncode in (0, 1), out.stderr.decode()
    rep = json.loads(out.stdout)
    assert rep["privacy"]["suppression"] == "applied" and rep["privacy"]["minCell"] == 5
    withheld = sum(1 for i in rep["indicators"] for b in i["breakdowns"] for c in b["cells"] if c.get("suppressed"))
    withheld += sum(1 for i in rep["indicators"] for p in i["periods"] if p.get("suppressed"))
    assert (withheld > 0) == has_small
    for ind in rep["indicators"]:
        found, small_sums = derivable(ind)
        assert not found and not small_sums, ind["id"]
    md = subprocess.run([binary(), "report", f"indicators/{programme_id}.yml", "--format", "md"], cwd=ROOT, capture_output=True)
    marks = md.stdout.decode().count("| &lt;5 |") + md.stdout.decode().count("| x |")
    assert (marks > 0) == has_small
    assert "Data protection" in md.stdout.decode()
