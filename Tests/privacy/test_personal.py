"""No personal value in any output (docs/data-protection.md).

A copy of the bundled programmes gets planted names in every personal column (names of
applicants, participants, trainers, lawyers, staff, facilitators), planted phone numbers in a
new `phone` column (declared personal in one source, left to the name-based default in another),
planted person ids that break their pattern; half of the planted rows also carry other errors
(a value not in its list, a bad date, a duplicate key, a ragged row). Then every command, format,
style and language runs over it, and every byte written (stdout, stderr, output files, the
members of an XLSX workbook) is searched for the planted values.
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES = ["article54", "ecy-social-services", "eu-unicef-child-protection", "right-to-the-city", "undp-crc"]
STYLES = ["eu", "undp", "unicef", "iptt", "pirs", "sdg"]


def binary():
    env = os.environ.get("LOGFRAME_BIN")
    if env:
        return str(Path(env).resolve())
    return str(ROOT / ".build" / "debug" / "logframe")


def planted_name(i):
    return f"Sirrəddin Gizliyev{i:03d}"


def planted_phone(i):
    return f"+994-55-77{i:05d}"


# Columns of the bundled samples that hold a person's name, by file.
NAME_COLUMNS = {
    "undp-crc/applications.csv": ["full_name"],
    "undp-crc/trainings.csv": ["full_name"],
    "undp-crc/vocational.csv": ["full_name"],
    "right-to-the-city/attendance.csv": ["full_name", "trainer"],
    "article54/legal_aid.csv": ["lawyer"],
    "ecy-social-services/staff.csv": ["full_name"],
}
# A phone column added to these files: declared `personal: true`, or left undeclared.
PHONE_DECLARED = ("right-to-the-city/attendance.csv", "attendance")
PHONE_UNDECLARED = ("undp-crc/applications.csv", "applications")


def plant_csv(path, columns, phone, counter, break_rows):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if phone:
        header = header + ["phone"]
    out = [header]
    for n, row in enumerate(body):
        row = list(row)
        for column in columns:
            row[header.index(column)] = planted_name(counter[0])
            counter[0] += 1
        if phone:
            row.append(planted_phone(counter[0]))
            counter[0] += 1
        if break_rows and n % 2 == 1:
            # Errors in the same rows as the planted values.
            if "sex" in header:
                row[header.index("sex")] = "Q"
            if "date" in header and n % 4 == 1:
                row[header.index("date")] = "31.31.2021"
        out.append(row)
    if break_rows:
        out.append(list(out[2]))                      # a duplicate key, names and all
        out.append(list(out[3]) + [planted_name(999)])   # a ragged row
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(out)


def plant(folder, break_rows):
    counter = [0]
    for relative, columns in NAME_COLUMNS.items():
        phone = relative in (PHONE_DECLARED[0], PHONE_UNDECLARED[0])
        plant_csv(folder / "samples" / relative, columns, phone, counter, break_rows)
    # Person ids that break their pattern (the person key of a distinct is personal by default).
    applications = folder / "samples/undp-crc/applications.csv"
    text = applications.read_text(encoding="utf-8")
    text = text.replace("CRC-00144", "CRC-Gizli-7781", 1)
    applications.write_text(text, encoding="utf-8")
    # ODK submissions: participant names and the facilitator.
    for xml in sorted((folder / "samples/undp-crc/meetings").glob("*.xml")):
        text = xml.read_text(encoding="utf-8")
        text = re.sub(r"<name>[^<]*</name>", lambda m: f"<name>{planted_name(500 + counter[0] % 400)}</name>", text)
        counter[0] += 1
        text = re.sub(r"<facilitator>[^<]*</facilitator>", f"<facilitator>{planted_name(900)}</facilitator>", text)
        if break_rows:
            text = text.replace("<sex>F</sex>", "<sex>X</sex>", 1)
        xml.write_text(text, encoding="utf-8")
    # Declare the phone columns: one personal, one left to the default (a warning).
    defs = folder / "indicators/right-to-the-city.yml"
    text = defs.read_text(encoding="utf-8")
    text = text.replace("      trainer: {type: text, personal: true}\n",
                        "      trainer: {type: text, personal: true}\n      phone: {type: text, personal: true, pattern: \"0[0-9]{9}\"}\n", 1)
    defs.write_text(text, encoding="utf-8")
    defs = folder / "indicators/undp-crc.yml"
    text = defs.read_text(encoding="utf-8")
    text = text.replace("      channel: {type: text, in: [mobile, centre, phone]}\n",
                        "      channel: {type: text, in: [mobile, centre, phone]}\n      phone: {type: integer}\n", 1)
    defs.write_text(text, encoding="utf-8")
    return counter[0]


def needles(count):
    """Byte strings to look for: every planted name contains its surname "Gizliyev", every
    planted phone "-55-77", the planted person id "Gizli-7781"; the first name is looked for as
    UTF-8 and as JSON writes it with a \\u escape. (`count`: how many values were planted.)"""
    assert count > 100
    return {b"Gizliyev", b"Sirr\xc9\x99ddin", b"Sirr\\u0259ddin", b"Gizli-7781", b"-55-77"}


def written_bytes(result, files):
    chunks = [result.stdout, result.stderr]
    for path in files:
        if not path.exists():
            continue
        data = path.read_bytes()
        chunks.append(data)
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                chunks += [z.read(name) for name in z.namelist()]
    return chunks


def leaks(chunks, patterns):
    found = set()
    for chunk in chunks:
        for p in patterns:
            if p in chunk:
                found.add(p)
    return found


def indicator_ids(folder, programme):
    out = subprocess.run([binary(), "report", f"indicators/{programme}.yml", "--format", "json"], cwd=folder, capture_output=True)
    return [i["id"] for i in json.loads(out.stdout)["indicators"]]


@pytest.fixture(scope="module", params=[False, True], ids=["clean-rows", "rows-with-errors"])
def planted(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    shutil.copytree(ROOT / "indicators", folder / "indicators")
    shutil.copytree(ROOT / "samples", folder / "samples")
    count = plant(folder, break_rows=request.param)
    return folder, needles(count), request.param


def run(folder, args, env=None):
    return subprocess.run([binary(), *args], cwd=folder, capture_output=True,
                          env={**os.environ, **(env or {})})


def test_planted_values_are_in_the_data(planted):
    """The values really are in the files read (else the search below proves nothing)."""
    folder, patterns, _ = planted
    data = b"".join(p.read_bytes() for p in (folder / "samples").rglob("*") if p.is_file())
    assert planted_name(0).encode() in data and planted_phone(1).encode() in data and b"CRC-Gizli-7781" in data


def test_show_personal_reveals_them(planted):
    """Positive control: with --force-show-personal the same search finds the planted values."""
    folder, patterns, with_errors = planted
    out = run(folder, ["validate", "indicators/undp-crc.yml", "--force-show-personal"])
    assert leaks(written_bytes(out, []), patterns), "the search cannot see a leak"


def test_show_personal_is_refused_outside_a_terminal(planted):
    folder, patterns, _ = planted
    for env in ({}, {"CI": "true"}):
        out = run(folder, ["validate", "indicators/undp-crc.yml", "--show-personal"], env)
        assert out.returncode == 2, out.stderr
        assert b"--show-personal" in out.stderr
        assert not leaks(written_bytes(out, []), patterns)


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_validate_never_prints_personal_values(planted, programme):
    folder, patterns, with_errors = planted
    diagnostics = 0
    for fmt in ("text", "json", "github", "junit"):
        out = run(folder, ["validate", f"indicators/{programme}.yml", "--format", fmt])
        assert out.returncode in (0, 1), out.stderr
        assert not leaks(written_bytes(out, []), patterns), (programme, fmt)
        diagnostics += out.stdout.count(b"error") + out.stderr.count(b"error")
    if with_errors:
        assert diagnostics > 0


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_reports_never_print_personal_values(planted, programme, tmp_path):
    folder, patterns, _ = planted
    runs = [(style, fmt, "en") for style in STYLES for fmt in ("md", "csv", "xlsx")]
    runs += [(style, "html", "az") for style in STYLES] + [(None, "json", "en"), (None, "json", "az")]
    for style, fmt, lang in runs:
        target = tmp_path / f"{programme}-{style}-{lang}.{fmt}"
        args = ["report", f"indicators/{programme}.yml", "--format", fmt, "--lang", lang, "--output", str(target)]
        if style:
            args += ["--style", style]
        out = run(folder, args)
        assert out.returncode in (0, 1), out.stderr
        assert target.exists()
        assert not leaks(written_bytes(out, [target]), patterns), (programme, style, fmt, lang)
    out = run(folder, ["report", f"indicators/{programme}.yml", "--format", "json", "--internal"])
    assert not leaks(written_bytes(out, []), patterns)


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_explain_never_prints_personal_values(planted, programme):
    folder, patterns, _ = planted
    for indicator in indicator_ids(folder, programme):
        # --internal: --rows on an indicator under small-cell suppression (personal values stay masked).
        out = run(folder, ["explain", f"indicators/{programme}.yml", indicator, "--rows", "all", "--internal"])
        assert out.returncode in (0, 1), out.stderr
        assert not leaks(written_bytes(out, []), patterns), (programme, indicator)


def test_masked_values_keep_line_column_and_length(planted):
    folder, patterns, with_errors = planted
    if not with_errors:
        pytest.skip("needs the rows with errors")
    out = run(folder, ["validate", "indicators/right-to-the-city.yml", "--format", "json"])
    diagnostics = json.loads(out.stdout)["diagnostics"]
    phone = [d for d in diagnostics if d["code"] == "field-pattern" and "phone" in d["message"]]
    assert phone, diagnostics[:5]
    first = phone[0]
    assert first["line"] >= 2 and first["column"] >= 1
    assert "[personal value, 15 characters]" in first["message"]
    text = run(folder, ["validate", "indicators/right-to-the-city.yml"]).stderr.decode()
    assert "•••••••••••••••" in text          # the quoted line hides the cell, same width
    undeclared = run(folder, ["validate", "indicators/undp-crc.yml"]).stderr.decode()
    assert "[personal-field-undeclared]" in undeclared and "`phone`" in undeclared
