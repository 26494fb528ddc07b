"""`logframe init` on headers and values that YAML or the expression language could misread:
colons, `#`, commas, a leading digit, a keyword, an empty and a repeated header; values that
look like YAML booleans, lists, comments or anchors. The skeleton must validate with --strict
and every value must come back as written (no quoting lost)."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def logframe(*args, cwd):
    binary = str(Path(os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))).resolve())
    return subprocess.run([binary, *map(str, args)], cwd=cwd, capture_output=True, timeout=300)


CSV = (
    'ID,Full Name,2nd visit,and,Cins,Yaş,status: note,"a,b",,dup,dup,val\n'
    '1,Ə A,01/02/2021,x,Qadın,5,"ok: yes",- x,,1,2,"#tag"\n'
    '2,B,13/02/2021,y,Kişi,7,"ok: yes",- x,,1,2,"#tag"\n'
    '3,C,14/02/2021,x,Qadın,9,"no # c",true,,1,2,@at\n'
    '4,D,15/02/2021,y,Kişi,9,"no # c",- x,,1,2,"#tag"\n'
)


def test_awkward_headers_and_values_validate_strictly():
    tmp = Path(tempfile.mkdtemp(prefix="logframe-init-awkward-"))
    try:
        (tmp / "awkward.csv").write_text(CSV, encoding="utf-8")
        made = logframe("init", "awkward.csv", "-o", "defs.yml", cwd=tmp)
        assert made.returncode == 0, made.stderr.decode()
        text = (tmp / "defs.yml").read_text(encoding="utf-8")
        checked = logframe("validate", "defs.yml", "--strict", cwd=tmp)
        assert checked.returncode == 0, checked.stderr.decode() + text
        assert b"4 rows read, 4 used, 0 rejected" in checked.stdout
        # Headers that are not identifiers keep their name in column:, or go by position.
        assert 'c_2nd_visit: {column: "2nd visit", type: date, format: dd/MM/yyyy' in text
        assert "and_: {column: and," in text
        assert 'status_note: {column: "status: note", type: text, in: ["no # c", "ok: yes"], personal: false}' in text
        assert "{position: 9, type: text}" in text
        assert "dup: {position: 10, type: integer}" in text and "dup_2: {position: 11, type: integer}" in text
        # Values YAML would read as something else are quoted; a text column stays text.
        assert 'in: [x, "y"]' in text
        assert 'in: ["- x", "true"]' in text
        assert 'in: ["#tag", "@at"]' in text
        # Azerbaijani letters survive in ids, in values and in the sex breakdown's labels.
        assert "Yaş: integer" in text
        assert "Cins: {field: Cins, title: {en: Sex, az: Cins}" in text
        assert "Full_Name: {column: Full Name, type: text, personal: true}  # personal data" in text
        assert "Ə A" not in text
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
