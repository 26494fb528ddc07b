"""The donor reports of the five sample programmes, as the CLI writes them (issue 11, items 1 and 7).

- Every declared breakdown cell of the JSON report is in the XLSX disaggregation sheet of every
  style, with its value as a number (the Swift tests check Markdown, HTML and CSV).
- XLSX: numbers are numeric cells with a grouping number format, baselines included; rows with
  wrapped text are high enough for it; chart data has a header row.
- Azerbaijani thousands are separated by a no-break space, never a plain space.
- `--no-audit` leaves no file hash; without it the full hashes are in the audit appendix, last.
"""
import hashlib
import json
import math
import re
import subprocess
from pathlib import Path

import pytest

from test_published_figures import ROOT, binary

openpyxl = pytest.importorskip("openpyxl")

SAMPLES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]
STYLES = ["eu", "undp", "unicef", "iptt", "pirs", "sdg"]


def run(*arguments):
    result = subprocess.run([binary(), *arguments], cwd=ROOT, capture_output=True)
    # Exit 1: the samples contain planted dirty rows, rejected and reconciled.
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.stdout


def report_json(sample):
    return json.loads(run("report", f"indicators/{sample}.yml", "--format", "json"))


def workbook(tmp_path, sample, style, *extra):
    out = tmp_path / f"{sample}.{style}.xlsx"
    run("report", f"indicators/{sample}.yml", "--style", style, "--format", "xlsx", "-o", str(out), *extra)
    return openpyxl.load_workbook(out)


def cell_label(indicator, cell):
    return indicator["id"] + " · " + " × ".join(cell["label"][d] for d in cell["label"])


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_breakdown_cell_in_every_xlsx(tmp_path, sample):
    data = report_json(sample)
    # A cell withheld by small-cell suppression (JSON null with "suppressed") prints as <5 or x.
    wanted = [(cell_label(i, c), "withheld" if c.get("suppressed") else c["value"])
              for i in data["indicators"] for b in i["breakdowns"] for c in b["cells"]]
    if not wanted:
        pytest.skip(f"{sample} declares no breakdown")
    for style in STYLES:
        wb = workbook(tmp_path, sample, style)
        assert "disaggregation" in wb.sheetnames, (sample, style, wb.sheetnames)
        rows = [(r[0].value, r[2].value) for r in wb["disaggregation"].iter_rows() if len(r) > 2]
        position = 0
        for label, value in wanted:
            # Labels repeat across breakdowns: each cell is the next row with its label.
            found = next((k for k in range(position, len(rows)) if rows[k][0] == label), None)
            assert found is not None, (sample, style, label)
            shown = rows[found][1]
            if value == "withheld":
                assert shown in ("<5", "x"), (sample, style, label, shown)
            elif value is None:
                assert shown == "n/a", (sample, style, label, shown)
            else:
                assert isinstance(shown, (int, float)) and math.isclose(shown, value, rel_tol=1e-9, abs_tol=1e-9), (sample, style, label, shown, value)
            position = found + 1


@pytest.mark.parametrize("sample", SAMPLES)
def test_xlsx_numbers_grouped_rows_high_enough(tmp_path, sample):
    for style in STYLES:
        wb = workbook(tmp_path, sample, style)
        numbers = 0
        for ws in wb:
            widths = {k: d.width for k, d in ws.column_dimensions.items()}
            merged = {str(m).split(":")[0]: m for m in ws.merged_cells.ranges}
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "n" and cell.value is not None and not cell.is_date:
                        numbers += 1
                        assert "#,##0" in cell.number_format, (sample, style, ws.title, cell.coordinate, cell.number_format)
                    # A wrapped text longer than its column (or merged columns) needs a taller row.
                    if isinstance(cell.value, str) and cell.alignment.wrap_text:
                        span = merged.get(cell.coordinate)
                        letters = [cell.column_letter] if span is None else [openpyxl.utils.get_column_letter(c) for c in range(span.min_col, span.max_col + 1)]
                        width = sum(widths.get(l, 10) for l in letters)
                        if len(cell.value) > 1.3 * width:
                            height = ws.row_dimensions[cell.row].height
                            assert height is not None and height >= 30, (sample, style, ws.title, cell.coordinate, len(cell.value), width, height)
        assert numbers > 0, (sample, style)


def test_xlsx_baselines_are_numbers_and_charts_have_headers(tmp_path):
    for style, column in (("eu", 3), ("undp", 4)):
        wb = workbook(tmp_path, "undp-crc", style)
        ws = wb[wb.sheetnames[1]]
        header_row = next(r for r in ws.iter_rows() if r[0].value in ("Results chain", "Results") and len(r) > 2 and r[1].value)
        assert header_row[column - 1].value.startswith("Baseline"), header_row[column - 1].value
        baselines = [r[column - 1] for r in ws.iter_rows(min_row=header_row[0].row + 1) if r[column - 1].value not in (None, "n/a")]
        assert baselines, style
        for cell in baselines:
            assert cell.data_type == "n", (style, cell.coordinate, cell.value)
            assert re.fullmatch(r'#,##0(\.0+)?("%")?(" \(\d{4}\)")?', cell.number_format), (style, cell.number_format)
        summary = wb[wb.sheetnames[0]]
        rows = [[c.value for c in r] for r in summary.iter_rows()]
        trend = [i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].endswith(": values by period")]
        assert trend, style
        for i in trend:
            assert rows[i + 1][:2] == ["Period", "Value"], rows[i + 1]
            assert isinstance(rows[i + 2][1], (int, float)) or rows[i + 2][1] == "n/a"


@pytest.mark.parametrize("style", STYLES)
def test_azerbaijani_thousands_no_break_space(style):
    seen = 0
    for sample in SAMPLES:
        for fmt in ("md", "html", "csv"):
            text = run("report", f"indicators/{sample}.yml", "--style", style, "--format", fmt, "--lang", "az").decode()
            if fmt == "html":
                text = re.sub(r"<[^>]*>", "\n", text)  # attributes (an SVG viewBox) hold spaced numbers
            assert not re.search(r"(?<![\d.,])\d{1,3} \d{3}(?!\d)", text), (sample, style, fmt, re.search(r".{30}\d{1,3} \d{3}.{10}", text))
            seen += len(re.findall(r"\d\u00a0\d{3}", text))
    assert seen > 0, f"{style}: no Azerbaijani number of four digits or more in the samples"


def test_no_audit_leaves_no_hash(tmp_path):
    files = sorted((ROOT / "samples" / "undp-crc").rglob("*.*"))
    hashes = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.suffix in (".csv", ".xml")}
    for style in STYLES:
        for fmt in ("md", "html", "csv"):
            full = run("report", "indicators/undp-crc.yml", "--style", style, "--format", fmt).decode()
            bare = run("report", "indicators/undp-crc.yml", "--style", style, "--format", fmt, "--no-audit").decode()
            for h in hashes:
                assert h[:12] not in bare, (style, fmt, h)
                if fmt != "csv":
                    assert h in full, (style, fmt, h)
            if fmt == "md":
                # The appendix is the last section.
                assert full.rstrip().split("\n## ")[-1].startswith("Audit appendix"), style
                assert "Audit appendix" not in bare
        wb = workbook(tmp_path, "undp-crc", style, "--no-audit")
        assert "files" not in wb.sheetnames, (style, wb.sheetnames)
        text = "\n".join(str(c.value) for ws in wb for r in ws.iter_rows() for c in r if c.value is not None)
        assert not any(h[:12] in text for h in hashes), style
