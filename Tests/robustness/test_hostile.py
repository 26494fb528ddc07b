"""Hostile definitions and data (issue 16): `logframe validate` runs in CI on pull requests from
strangers, so a definitions file must not make it print files outside the project, overwrite its
own inputs, crash on deep expressions, backtrack for ever on a pattern, or let a data cell inject
workflow commands or terminal escapes. Each test here failed on the build before the fix."""
import json
import os
import signal
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from test_no_crash import binary

SECRET = "TOPSECRET-7f3a"


# `name` is declared not personal: these tests check how cells are quoted (a personal one is masked).
def defs(path, fields="      id: text\n      name: {type: integer, personal: false}\n", extra="", value="count()"):
    return f"""logframe: 1
programme: {{id: H, title: Hostile, start: 2021-01-01, end: 2021-12-31}}
sources:
  s:
    path: {path}
    date: none
    fields:
{fields}{extra}results:
  - id: R
    level: output
    title: R
    indicators:
      - id: N
        title: N
        value: {value}
"""


def run(cwd, *args, timeout=60, **kwargs):
    result = subprocess.run([binary(), *args], cwd=cwd, capture_output=True, timeout=timeout, **kwargs)
    assert result.returncode >= 0, f"killed by signal {-result.returncode}: {result.stderr[-400:]!r}"
    return result


@pytest.fixture
def tree():
    """A project (a git work tree: `repo/.git`) with its definitions in repo/defs/, and a secret
    file outside it."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "repo" / "defs").mkdir(parents=True)
        (tmp / "repo" / ".git").mkdir()
        (tmp / "outside").mkdir()
        (tmp / "outside" / "secret.csv").write_text(f"id,name\n1,{SECRET}\n")
        yield tmp


def all_output(result):
    return result.stdout.decode(errors="replace") + result.stderr.decode(errors="replace")


# 1. Paths

@pytest.mark.parametrize("how", ["relative", "absolute", "symlink", "glob", "symlinked-folder"])
@pytest.mark.parametrize("fmt", ["text", "github", "json", "junit"])
def test_a_source_outside_the_project_is_refused_and_never_quoted(tree, how, fmt):
    repo = tree / "repo"
    secret = tree / "outside" / "secret.csv"
    path = {"relative": "../../outside/secret.csv", "absolute": str(secret), "symlink": "data.csv",
            "glob": "../../outside/*.csv", "symlinked-folder": "data/secret.csv"}[how]
    if how == "symlink":
        (repo / "defs" / "data.csv").symlink_to(secret)
    if how == "symlinked-folder":
        (repo / "defs" / "data").symlink_to(tree / "outside")
    (repo / "defs" / "d.yml").write_text(defs(path))
    result = run(repo, "validate", "defs/d.yml", "--format", fmt)
    assert result.returncode == 1
    out = all_output(result)
    assert SECRET not in out
    assert "path-outside-project" in out
    assert "1 rows read" not in out


def test_allow_outside_lets_a_trusted_run_read_there(tree):
    repo = tree / "repo"
    (repo / "defs" / "d.yml").write_text(defs("../../outside/secret.csv"))
    result = run(repo, "validate", "defs/d.yml", "--allow-outside", str(tree / "outside"))
    assert b"path-outside-project" not in result.stderr
    assert b"s: 1 rows read" in result.stdout


def test_data_beside_the_definitions_folder_inside_the_work_tree_is_read(tree):
    # The bundled indicators/*.yml read ../samples/...: inside the git work tree, so allowed.
    repo = tree / "repo"
    (repo / "samples").mkdir()
    (repo / "samples" / "s.csv").write_text("id,name\n1,2\n")
    (repo / "defs" / "d.yml").write_text(defs("../samples/s.csv"))
    result = run(repo / "defs", "validate", "d.yml")
    assert result.returncode == 0, result.stderr
    assert b"s: 1 rows read, 1 used" in result.stdout


def test_without_a_work_tree_the_project_is_the_folder_above_the_definitions(tree):
    plain = tree / "plain"
    (plain / "defs").mkdir(parents=True)
    (plain / "data").mkdir()
    (plain / "data" / "s.csv").write_text("id,name\n1,2\n")
    (tree / "beside.csv").write_text("id,name\n1,2\n")
    (plain / "defs" / "d.yml").write_text(defs("../data/s.csv"))
    result = run(plain, "validate", "defs/d.yml")
    assert result.returncode == 0, result.stderr
    (plain / "defs" / "d.yml").write_text(defs("../../beside.csv"))
    result = run(plain, "validate", "defs/d.yml")
    assert result.returncode == 1
    assert b"path-outside-project" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_only_regular_files_are_read(tree, kind):
    repo = tree / "repo"
    target = repo / "defs" / "data.csv"
    args = []
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    else:
        target.symlink_to("/dev/zero")
        args = ["--allow-outside", "/dev"]
    (repo / "defs" / "d.yml").write_text(defs("data.csv"))
    result = run(repo, "validate", "defs/d.yml", *args, timeout=20)
    assert result.returncode == 1
    assert b"is not a regular file" in result.stderr


def test_stdin_is_not_a_source(tree):
    repo = tree / "repo"
    (repo / "defs" / "d.yml").write_text(defs("/dev/stdin"))
    result = run(repo, "validate", "defs/d.yml", "--allow-outside", "/dev", input=b"id,name\n1,2\n")
    assert result.returncode == 1
    assert b"is not a regular file" in result.stderr


# 2. Outputs

@pytest.fixture
def project(tree):
    repo = tree / "repo"
    (repo / "defs" / "data.csv").write_text("id,name\n1,2\n2,3\n")
    (repo / "defs" / "d.yml").write_text(defs("data.csv"))
    yield repo


@pytest.mark.parametrize("target", ["defs/data.csv", "defs/d.yml", "link.csv", "hard.yml"])
def test_an_output_that_is_an_input_is_refused(project, target):
    (project / "link.csv").symlink_to(project / "defs" / "data.csv")
    os.link(project / "defs" / "d.yml", project / "hard.yml")
    before = {p: p.read_bytes() for p in (project / "defs").iterdir()}
    result = run(project, "report", "defs/d.yml", "--output", target, "--format", "md")
    assert result.returncode == 1
    assert b"[output-is-input]" in result.stderr
    assert {p: p.read_bytes() for p in (project / "defs").iterdir()} == before


def test_the_old_report_keeps_its_permissions(project):
    (project / "out.md").write_text("old")
    os.chmod(project / "out.md", 0o640)
    result = run(project, "report", "defs/d.yml", "--output", "out.md")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(project / "out.md").st_mode) == 0o640
    assert (project / "out.md").read_text() != "old"


def test_a_fifo_output_is_written_into_not_renamed_over(project):
    fifo = project / "out.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = run(project, "report", "defs/d.yml", "--output", "out.fifo", "--format", "md")
        assert result.returncode == 0, result.stderr
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert b"Hostile" in received
    assert sorted(p.name for p in project.iterdir()) == [".git", "defs", "out.fifo"]


def test_dev_stdout_is_written_into(project):
    result = run(project, "report", "defs/d.yml", "--output", "/dev/stdout", "--format", "md")
    assert result.returncode == 0, result.stderr
    assert b"Hostile" in result.stdout
    assert os.path.islink("/dev/stdout")


def _limit_file_size():
    import resource
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


def test_a_full_disk_leaves_the_old_report_and_no_partial_file(project):
    (project / "out.md").write_text("old report")
    result = run(project, "report", "defs/d.yml", "--output", "out.md", preexec_fn=_limit_file_size)
    assert result.returncode == 1
    assert b"[output-unwritable]" in result.stderr
    assert (project / "out.md").read_text() == "old report"
    assert sorted(p.name for p in project.iterdir()) == [".git", "defs", "out.md"]


def test_sigterm_during_the_run_leaves_no_temporary_file(project):
    rows = "".join(f"{i},{i}\n" for i in range(400_000))
    (project / "defs" / "data.csv").write_text("id,name\n" + rows)
    (project / "out.md").write_text("old report")
    process = subprocess.Popen([binary(), "report", "defs/d.yml", "--output", "out.md"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import time
    deadline = time.time() + 30
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in project.iterdir()):
        time.sleep(0.005)
    seen = any(p.name.endswith(".tmp") for p in project.iterdir())
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert seen, "the temporary file is created before the computation"
    assert sorted(p.name for p in project.iterdir()) == [".git", "defs", "out.md"]
    assert (project / "out.md").read_text() == "old report"


# 3. Expressions and YAML

DEEP = {
    "10k parentheses": "(" * 10_000 + "count()" + ")" * 10_000,
    "30k-term sum": "+".join(["count()"] * 30_000),
    "1 MB or chain": "count(where " + " or ".join(["name == 1"] * 84_000) + ")",
    "100k not": "count(where " + "not " * 100_000 + "name == 1)",
    "100k minus": "-" * 100_000 + "count()",
    "10k brackets": "count(where name in " + "[" * 10_000 + "1" + "]" * 10_000 + ")",
    "10k calls": "sum(" + "abs(" * 10_000 + "name" + ")" * 10_000 + ")",
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deep_or_long_expressions_are_refused_not_a_crash(project, shape):
    expression = DEEP[shape]
    for place in ("value", "check", "dimension"):
        extra, value = "", "count()"
        if place == "value":
            value = f"'{expression}'"
        elif place == "check":
            extra = f"    rules:\n      - check: '{expression}'\n        message: m\n"
        else:
            extra = ""
        text = defs("data.csv", extra=extra, value=value)
        if place == "dimension":
            text = text.replace("results:", f"dimensions:\n  d: {{expr: '{expression}'}}\nresults:")
        (project / "defs" / "d.yml").write_text(text)
        for args in (["validate", "defs/d.yml"], ["report", "defs/d.yml", "--format", "json"],
                     ["explain", "defs/d.yml", "N", "--rows", "all"]):
            result = run(project, *args, timeout=120)
            assert result.returncode == 1, (place, args, result.stderr[-300:])
            assert b"[expression-too-deep]" in result.stderr or b"[expression-too-long]" in result.stderr, (place, result.stderr[-300:])
            assert len(result.stderr) < 20_000


def test_expressions_at_the_limits_are_computed(project):
    for expression, expected in (("+".join(["count()"] * 200), 400), ("(" * 63 + "count()" + ")" * 63, 2),
                                 ("count(where " + "not " * 62 + "name == 2)", 1),
                                 ("count(where " + " or ".join(["name == 2"] * 150) + ")", 1)):
        (project / "defs" / "d.yml").write_text(defs("data.csv", value=f"'{expression}'"))
        result = run(project, "report", "defs/d.yml", "--format", "json")
        assert result.returncode == 0, result.stderr[-300:]
        assert json.loads(result.stdout)["indicators"][0]["current"] == expected


def _indicators(lines):
    return "".join(f"      - {{id: {i}, title: {i}, value: '{v}'}}\n" for i, v in lines)


@pytest.mark.parametrize("shape", ["chain", "doubling"])
def test_long_or_doubling_reference_chains_are_refused(project, shape):
    if shape == "chain":
        lines = [(f"I{i}", f"$I{i - 1} + 1") for i in range(1, 41)]
    else:
        lines = [(f"I{i}", f"$I{i - 1} + $I{i - 1}") for i in range(1, 31)]
    text = defs("data.csv").replace("        value: count()\n", "        value: count()\n" + _indicators([("I0", "$N")] + lines))
    (project / "defs" / "d.yml").write_text(text)
    for args in (["validate", "defs/d.yml"], ["report", "defs/d.yml", "--format", "json"]):
        result = run(project, *args, timeout=60)
        assert result.returncode == 1
        assert b"[indicator-references-too-deep]" in result.stderr


def test_many_plain_indicators_are_not_an_alias_bomb(project):
    body = "".join(f"      - id: I{i}\n        title: Indicator {i}\n        value: count(where name == {i})\n"
                   f"        target: {{value: 10, date: 2021-12-31}}\n" for i in range(9000))
    (project / "defs" / "d.yml").write_text(defs("data.csv") + body)
    result = run(project, "validate", "defs/d.yml", timeout=300)
    assert b"yaml-alias-bomb" not in result.stderr
    assert result.returncode == 0, result.stderr[-300:]


def test_a_real_alias_bomb_is_still_refused(project):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6))
    (project / "defs" / "d.yml").write_text(bomb + defs("data.csv"))
    result = run(project, "validate", "defs/d.yml")
    assert result.returncode == 1
    assert b"[yaml-alias-bomb]" in result.stderr


# 4. Linear-time patterns

def test_a_nested_quantifier_pattern_does_not_backtrack(project):
    # ICU backtracks on (a|a)+ over a value that does not match until it gives up: about 0.3 s a
    # distinct value (400 take minutes). The linear matcher answers at once, and still accepts
    # a long value that matches.
    fields = "      id: text\n      name: {type: text, pattern: \"(a|a)+\"}\n"
    rows = "".join(f"{i},{'a' * 40}!{i}\n" for i in range(400)) + f"good,{'a' * 20000}\n"
    (project / "defs" / "data.csv").write_text("id,name\n" + rows)
    (project / "defs" / "d.yml").write_text(defs("data.csv", fields=fields))
    result = run(project, "validate", "defs/d.yml", "--format", "json", timeout=60)
    assert result.returncode == 1
    summary = json.loads(result.stdout)["summary"]
    assert summary["errors"] == 400
    assert summary["sources"][0]["rowsUsed"] == 1


def test_a_pattern_that_needs_backtracking_is_refused_with_a_reason(project):
    fields = "      id: text\n      name: {type: text, pattern: \"(a)\\\\1\"}\n"
    (project / "defs" / "d.yml").write_text(defs("data.csv", fields=fields))
    result = run(project, "validate", "defs/d.yml")
    assert result.returncode == 1
    assert b"back-references" in result.stderr and b"[invalid-value]" in result.stderr


# 5. Sizes in diagnostics

def test_a_long_cell_is_quoted_cut_and_a_huge_one_refused(project):
    # (`size`, not a name-like column: a personal value would be masked, not quoted.)
    fields = "      id: text\n      size: integer\n"
    long_value = "x" * 500_000
    huge_value = "y" * 2_000_000
    (project / "defs" / "data.csv").write_text(f"id,size\n1,{long_value}\n2,{huge_value}\n")
    (project / "defs" / "d.yml").write_text(defs("data.csv", fields=fields))
    for fmt in ("text", "github", "json", "junit"):
        result = run(project, "validate", "defs/d.yml", "--format", fmt)
        assert result.returncode == 1
        out = all_output(result)
        assert len(out) < 20_000, (fmt, len(out))
        assert "x" * 150 in out and "x" * 1000 not in out and "…" in out
        assert "cell-too-large" in out
    raised = run(project, "validate", "defs/d.yml", "--max-cell-bytes", "3000000")
    assert b"cell-too-large" not in raised.stderr and raised.stderr.count(b"[field-type]") == 2


def test_a_huge_single_line_file_prints_bounded_diagnostics(project):
    line = ",".join(["9"] * 600_000)   # 1.2 MB on one line, a header only
    (project / "defs" / "data.csv").write_text(line + "\n")
    for fmt in ("text", "github"):
        result = run(project, "validate", "defs/d.yml", "--format", fmt, timeout=180)
        assert result.returncode == 1
        assert len(all_output(result)) < 20_000


def test_a_header_of_100k_columns_checks_in_linear_time(project):
    header = ",".join(["id"] * 100_000) + ",name"
    (project / "defs" / "data.csv").write_text(header + "\n")
    result = run(project, "validate", "defs/d.yml", "--format", "json", timeout=180)
    assert result.returncode == 1
    assert json.loads(result.stdout)["diagnostics"][0]["code"] == "duplicate-column"


def test_integers_past_eighteen_digits_are_too_large(project):
    (project / "defs" / "data.csv").write_text("id,name\n1,1234567890123456789\n2,12a\n")
    result = run(project, "validate", "defs/d.yml")
    assert b'"1234567890123456789" in column name (line 2) is too large: whole numbers have at most 18 digits' in result.stderr
    assert b'"12a" in column name (line 3) is not a whole number' in result.stderr


# 6. Control characters

HOSTILE_CELL = 'x\n::error file=a,line=1::injected\n\x1b]0;owned\x07\x1b[31mred\u202e'


def _no_raw_controls(text):
    return not any(ch in text for ch in ("\x1b", "\x07", "\u202e", "\x9b"))


@pytest.mark.parametrize("fmt", ["text", "github", "json", "junit"])
def test_control_characters_in_cells_never_reach_a_diagnostic_raw(project, fmt):
    cell = HOSTILE_CELL.replace('"', '""')
    (project / "defs" / "data.csv").write_text(f'id,name\n1,"{cell}"\n"\x1b[2J",5\n', newline="")
    result = run(project, "validate", "defs/d.yml", "--format", fmt)
    assert result.returncode == 1
    out = all_output(result)
    assert _no_raw_controls(out), out
    assert "injected" in out
    lines = out.splitlines()
    assert not any(line.lstrip().startswith("::") and "injected" in line and not line.startswith("::error file=defs/data.csv") for line in lines)
    if fmt == "github":
        assert all(line.startswith("::error file=defs/data.csv") or line.startswith("s: ") for line in lines), lines


def test_control_characters_in_categories_never_reach_a_report_raw(project):
    fields = "      id: text\n      name: text\n"
    cell = HOSTILE_CELL.replace('"', '""')
    (project / "defs" / "data.csv").write_text(f'id,name\n1,"{cell}"\n2,plain\n3,"a|b"\n', newline="")
    # The EU style shows each category of a `sex` breakdown.
    text = defs("data.csv", fields=fields).replace("results:", "dimensions:\n  sex: {field: name}\nresults:")
    text = text.replace("        value: count()\n", "        value: count()\n        by: [sex]\n")
    (project / "defs" / "d.yml").write_text(text)
    for fmt in ("md", "csv", "html", "json"):
        result = run(project, "report", "defs/d.yml", "--format", fmt, "--style", "eu")
        assert fmt == "json" or "injected" in result.stdout.decode()
        assert result.returncode == 0, result.stderr
        out = result.stdout.decode()
        if fmt == "json":
            # The JSON report is the data model: values stay exact, JSON-escaped (\u001b).
            assert "\x1b" not in out and "\x07" not in out and "\\u001b" in out
            continue
        assert _no_raw_controls(out), (fmt, out)
        if fmt == "md":
            assert not any(line.startswith("::") for line in out.splitlines())


# 7. Consistency

def test_validate_raises_what_report_raises(project):
    fields = "      id: text\n      name: text\n      amount: number\n"
    rows = "".join(f"{i},V{i:06d},999999999999999999.999999999999999999\n" for i in range(66_000))
    (project / "defs" / "data.csv").write_text("id,name,amount\n" + rows)
    text = defs("data.csv", fields=fields).replace("results:", "dimensions:\n  v: {field: name}\nresults:")
    text = text.replace("        value: count()\n", "        value: count()\n        by: [v]\n"
                        "      - {id: S, title: S, value: sum(amount)}\n")
    (project / "defs" / "d.yml").write_text(text)
    report = run(project, "report", "defs/d.yml", "--format", "json", timeout=300)
    validate = run(project, "validate", "defs/d.yml", "--strict", "--format", "json", timeout=300)
    codes = lambda text: {line.split("[")[-1].rstrip("]") for line in text.splitlines() if ": error: " in line}
    report_codes = codes(report.stderr.decode())
    assert {"dimension-too-many-categories", "sum-overflow"} <= report_codes
    assert validate.returncode == 1
    assert report_codes <= {d["code"] for d in json.loads(validate.stdout)["diagnostics"]}


def test_xlsx_never_exceeds_excels_columns(project):
    # 460 years of months: the IPTT sheet would need 3 columns a period, past Excel's 16,384.
    text = defs("data.csv").replace("end: 2021-12-31}", "end: 2480-12-31, periods: monthly}")
    (project / "defs" / "d.yml").write_text(text)
    (project / "out.xlsx").write_text("old")
    result = run(project, "report", "defs/d.yml", "--format", "xlsx", "--style", "iptt", "--as-of", "2480-12-31",
                 "--output", "out.xlsx", timeout=240)
    assert result.returncode == 1
    assert b"[xlsx-too-large]" in result.stderr and b"16384 columns" in result.stderr
    assert (project / "out.xlsx").read_text() == "old"


def test_reports_are_the_same_whatever_the_working_directory(tree):
    repo = tree / "repo"
    (repo / "samples").mkdir()
    (repo / "samples" / "s.csv").write_text("id,name\n1,2\n2,3\n")
    (repo / "defs" / "d.yml").write_text(defs("../samples/s.csv"))
    for fmt in ("json", "md", "html", "csv", "xlsx"):
        outputs = set()
        for cwd, name in ((repo, "defs/d.yml"), (repo / "defs", "d.yml"), (tree, str(repo / "defs" / "d.yml")),
                          (repo / "samples", "../defs/d.yml")):
            out = tree / f"out.{fmt}"
            result = run(cwd, "report", name, "--format", fmt, "--output", str(out), "--as-of", "2021-12-31")
            assert result.returncode == 0, result.stderr
            outputs.add(out.read_bytes())
        assert len(outputs) == 1, fmt
    result = run(repo, "report", "defs/d.yml", "--format", "json")
    assert json.loads(result.stdout)["sources"][0]["files"][0]["path"] == "../samples/s.csv"


def test_the_longest_reference_chain_the_loader_allows_is_computed(project):
    # One limit (Definitions.maxReferenceDepth, 30): a chain of exactly 30 `$ID` references
    # loads and the engine computes it; 31 is refused by the loader.
    lines = [(f"I{i}", f"$I{i - 1} + 1") for i in range(1, 31)]
    text = defs("data.csv").replace("        value: count()\n", "        value: count()\n" + _indicators([("I0", "count()")] + lines))
    (project / "defs" / "d.yml").write_text(text)
    result = run(project, "report", "defs/d.yml", "--format", "json", timeout=60)
    assert result.returncode == 0, result.stderr[-300:]
    current = {i["id"]: i["current"] for i in json.loads(result.stdout)["indicators"]}
    assert current["I0"] is not None and current["I30"] == current["I0"] + 30
    longer = text.replace("        value: count()\n", "        value: count()\n" + _indicators([("I31", "$I30 + 1")]), 1)
    (project / "defs" / "d.yml").write_text(longer)
    result = run(project, "report", "defs/d.yml", "--format", "json", timeout=60)
    assert result.returncode == 1 and b"[indicator-references-too-deep]" in result.stderr
