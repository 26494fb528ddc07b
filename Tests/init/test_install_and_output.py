"""Getting started (issue 11, item 6): `make install` gives a working `logframe` under PREFIX,
`-o` is the short form of `--output`, and an XLSX workbook is never written to a terminal."""
import os
import pty
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DEFS = """logframe: 1
programme: {id: T, title: Getting started, start: 2021-01-01, end: 2021-12-31}
sources:
  visits:
    path: visits.csv
    key: id
    date: date
    fields:
      id: text
      date: date
      sex: {type: text, in: [F, M]}
dimensions:
  sex: {field: sex}
results:
  - id: R
    level: output
    title: Visits
    indicators:
      - {id: R.1, title: Visits, value: count(), by: [sex]}
"""
CSV = "id,date,sex\n1,2021-02-01,F\n2,2021-03-01,M\n3,2021-05-01,F\n"


def binary():
    path = os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))
    return str(Path(path).resolve())


def workspace():
    tmp = Path(tempfile.mkdtemp(prefix="logframe-start-"))
    (tmp / "defs.yml").write_text(DEFS, encoding="utf-8")
    (tmp / "visits.csv").write_text(CSV, encoding="utf-8")
    return tmp


def test_make_install_puts_a_working_binary_under_prefix():
    with tempfile.TemporaryDirectory() as prefix:
        # BIN: install the binary the tests already built (the default is the release build).
        result = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}", f"BIN={binary()}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        installed = Path(prefix) / "bin" / "logframe"
        assert installed.is_file() and os.access(installed, os.X_OK)
        # Found on the PATH, as the README's commands expect, and it runs them.
        env = dict(os.environ, PATH=f"{prefix}/bin:{os.environ.get('PATH', '')}")
        version = subprocess.run(["logframe", "--version"], env=env, capture_output=True, text=True, timeout=60)
        assert version.returncode == 0 and version.stdout.strip()
        tmp = workspace()
        check = subprocess.run(["logframe", "validate", "defs.yml"], cwd=tmp, env=env, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stderr
        assert "visits: 3 rows read, 3 used, 0 rejected" in check.stdout
        # And it goes away again.
        removed = subprocess.run(["make", "-s", "uninstall", f"PREFIX={prefix}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert removed.returncode == 0 and not installed.exists()


def test_make_install_refuses_a_missing_binary():
    with tempfile.TemporaryDirectory() as prefix:
        result = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}", f"BIN={prefix}/no-such-logframe"],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "not a built logframe binary" in result.stderr
        assert not (Path(prefix) / "bin" / "logframe").exists()


def test_short_o_is_output():
    tmp = workspace()
    long = subprocess.run([binary(), "report", "defs.yml", "--output", "long.md"], cwd=tmp, capture_output=True, timeout=60)
    short = subprocess.run([binary(), "report", "defs.yml", "-o", "short.md"], cwd=tmp, capture_output=True, timeout=60)
    assert long.returncode == 0 and short.returncode == 0, short.stderr
    assert (tmp / "short.md").read_bytes() == (tmp / "long.md").read_bytes()
    assert b"Visits" in (tmp / "short.md").read_bytes()
    # The format still follows the file's extension.
    subprocess.run([binary(), "report", "defs.yml", "-o", "r.xlsx"], cwd=tmp, check=True, capture_output=True, timeout=60)
    assert (tmp / "r.xlsx").read_bytes()[:2] == b"PK"


def run_on_terminal(args, cwd):
    """Runs logframe with standard output on a pseudo-terminal; returns (exit code, stdout, stderr)."""
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(args, cwd=cwd, stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        stderr = process.stderr.read()
        code = process.wait(timeout=60)
        return code, b"".join(chunks), stderr
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)


def test_xlsx_to_a_terminal_is_refused_with_a_hint():
    tmp = workspace()
    code, out, err = run_on_terminal([binary(), "report", "defs.yml", "--format", "xlsx"], tmp)
    assert code == 2, err  # a usage error (SPEC section 2): nothing was read
    assert b"PK" not in out
    assert b"-o" in err and b"xlsx" in err.lower()
    # Markdown on a terminal is fine ...
    code, out, err = run_on_terminal([binary(), "report", "defs.yml"], tmp)
    assert code == 0, err
    assert b"Visits" in out
    # ... and XLSX through a pipe or redirect is what the user asked for.
    piped = subprocess.run([binary(), "report", "defs.yml", "--format", "xlsx"], cwd=tmp, capture_output=True, timeout=60)
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"
    # With -o the terminal is not involved.
    code, _, err = run_on_terminal([binary(), "report", "defs.yml", "--format", "xlsx", "-o", "t.xlsx"], tmp)
    assert code == 0, err
    assert (tmp / "t.xlsx").read_bytes()[:2] == b"PK"
