"""Where `logframe init` writes: through the safe writer (never over a data file it read, even
with --force), and with a warning when the data lies outside the skeleton's project folder
(validate would refuse it: docs/validation.md)."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def logframe(*args, cwd):
    binary = str(Path(os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))).resolve())
    return subprocess.run([binary, *map(str, args)], cwd=cwd, capture_output=True, timeout=300)


def workspace():
    return Path(tempfile.mkdtemp(prefix="logframe-init-paths-"))


def test_init_never_writes_over_its_own_data_file_even_with_force():
    tmp = workspace()
    try:
        data = tmp / "visits.csv"
        data.write_text("id,district\n1,Füzuli\n2,Tərtər\n", encoding="utf-8")
        before = data.read_bytes()
        run = logframe("init", "visits.csv", "-o", "visits.csv", "--force", cwd=tmp)
        assert run.returncode == 1, run.stderr.decode()
        assert b"output-is-input" in run.stderr
        assert data.read_bytes() == before
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_data_outside_the_skeletons_project_is_a_warning_naming_allow_outside():
    outer, inner = workspace(), workspace()
    try:
        project = inner / "project" / "defs"
        project.mkdir(parents=True)
        data = outer / "elsewhere" / "visits.csv"
        data.parent.mkdir()
        data.write_text("id,district\n1,Füzuli\n2,Tərtər\n3,Füzuli\n4,Tərtər\n", encoding="utf-8")
        run = logframe("init", data, "-o", project / "defs.yml", cwd=inner)
        assert run.returncode == 0, run.stderr.decode()
        assert b"path-outside-project" in run.stderr and b"--allow-outside" in run.stderr
        refused = logframe("validate", project / "defs.yml", cwd=inner)
        assert refused.returncode == 1 and b"path-outside-project" in refused.stderr
        allowed = logframe("validate", project / "defs.yml", "--allow-outside", data.parent, cwd=inner)
        assert allowed.returncode == 0, allowed.stderr.decode()
        # Data inside the project: no warning.
        shutil.copy(data, inner / "project" / "visits.csv")
        quiet = logframe("init", inner / "project" / "visits.csv", "-o", project / "inside.yml", cwd=inner)
        assert quiet.returncode == 0 and b"path-outside-project" not in quiet.stderr
        assert logframe("validate", project / "inside.yml", cwd=inner).returncode == 0
    finally:
        shutil.rmtree(outer, ignore_errors=True)
        shutil.rmtree(inner, ignore_errors=True)
