"""Shared helpers for the conformance tests against Frictionless and csvlint.rb.

Each case writes a definitions file into a temporary folder, copies the upstream data file next
to it, runs `logframe validate DEFS --format json` and hands back the diagnostics.
"""
import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The public corpora: $LOGFRAME_SHARED_DATA, else ../shared/data beside the project (as CI has it),
# else the workplace's copy.
SHARED = Path(os.environ.get("LOGFRAME_SHARED_DATA") or next(
    (p for p in (REPO.parent / "shared" / "data", Path("/work/shared/data")) if p.is_dir()),
    REPO.parent / "shared" / "data"))
FRICTIONLESS = SHARED / "frictionless"
CSVLINT = SHARED / "csvlint-rb"

# Codes that concern a whole row or file: compared without a field number.
ROW_LEVEL = {
    "csv-ragged-row", "csv-unterminated-quote", "csv-empty-file", "missing-column",
    "encoding-utf16", "encoding-not-utf8", "binary-file", "file-not-found",
}


def _binary() -> Path:
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        path = Path(env)
        return path if path.is_absolute() else REPO / path
    path = REPO / ".build" / "debug" / "logframe"
    if not path.exists():
        subprocess.run(["swift", "build"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def logframe_bin() -> Path:
    path = _binary()
    if not path.exists():
        pytest.fail(f"logframe binary not found at {path}")
    return path


def _scalar(value) -> str:
    # JSON is valid YAML flow syntax for strings, numbers, booleans, lists and maps.
    return json.dumps(value, ensure_ascii=False)


def definitions_yaml(sources: dict) -> str:
    """sources: id -> {"path": ..., "fields": {id: type-or-map}, "key": ..., "delimiter": ...}"""
    lines = [
        "logframe: 1",
        "programme:",
        "  id: CONFORMANCE",
        "  title: Conformance",
        "  start: 2000-01-01",
        "  end: 2099-12-31",
        "sources:",
    ]
    for sid, src in sources.items():
        lines.append(f"  {sid}:")
        lines.append(f"    path: {_scalar(src['path'])}")
        for opt in ("key", "delimiter"):
            if src.get(opt) is not None:
                lines.append(f"    {opt}: {_scalar(src[opt])}")
        lines.append("    fields:")
        for fid, spec in src["fields"].items():
            lines.append(f"      {_scalar(fid)}: {_scalar(spec)}")
    return "\n".join(lines) + "\n"


class Run:
    def __init__(self, returncode, report, folder):
        self.returncode = returncode
        self.report = report
        self.folder = folder

    @property
    def diagnostics(self):
        return self.report["diagnostics"]

    def source(self, sid):
        return next(s for s in self.report["summary"]["sources"] if s["id"] == sid)


@pytest.fixture
def validate(logframe_bin, tmp_path):
    """validate(files={name: upstream path or None (absent)}, sources={...}) -> Run"""

    def run(files: dict, sources: dict) -> Run:
        for name, upstream in files.items():
            if upstream is not None:
                shutil.copyfile(upstream, tmp_path / name)
        defs = tmp_path / "defs.yml"
        defs.write_text(definitions_yaml(sources), encoding="utf-8")
        proc = subprocess.run([str(logframe_bin), "validate", str(defs), "--format", "json"],
                              capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr}"
        report = json.loads(proc.stdout)
        # The exit code agrees with the diagnostics (docs/validation.md, exit codes).
        has_error = any(d["severity"] == "error" for d in report["diagnostics"])
        assert proc.returncode == (1 if has_error else 0)
        return Run(proc.returncode, report, tmp_path)

    return run


def field_number(path: Path, line: int, column: int, delimiter: str = ",") -> int:
    """1-based cell index of the cell that starts at (physical line, 1-based character column)."""
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    physical = text.replace("\r\n", "\n").split("\n")[line - 1]
    cell, quoted = 1, False
    for ch in physical[: column - 1]:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            cell += 1
    return cell


def normalise(run: Run, delimiter: str = ",") -> list:
    """Our diagnostics as sorted (file, line, field, code); field is None for row/file-level codes."""
    out = []
    for d in run.diagnostics:
        if d["code"] == "personal-field-undeclared":
            continue    # logframe's advice on the definitions (a column named like a name); no upstream counterpart
        name = os.path.basename(d["file"]) if d["file"] else None
        field, line = None, d["line"]
        if name is not None and not name.endswith(".csv"):
            line = None                                # the definitions file: compared by code only
        elif d["code"] not in ROW_LEVEL and line is not None and d["column"] is not None:
            field = field_number(run.folder / name, line, d["column"], delimiter)
        out.append((name, line, field, d["code"]))
    return sorted(out, key=repr)


def record_start_lines(path: Path) -> dict:
    """Frictionless rowNumber (every parsed row, header = 1, blank rows included) -> physical line."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, previous_end = {}, 0
    for number, _ in enumerate(reader, start=1):
        starts[number] = previous_end + 1
        previous_end = reader.line_num
    return starts


def parsed_rows(path: Path) -> list:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return list(csv.reader(io.StringIO(text, newline="")))
