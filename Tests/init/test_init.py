"""`logframe init` (issue 11, item 6): a commented definitions skeleton from a CSV file, from
ODK/KoboToolbox submissions and from an XLSForm, which `logframe validate` accepts as written.

Each test runs the built binary as a user would: init, then validate the file init wrote."""
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSVS = sorted((ROOT / "samples").glob("*/*.csv"))
MEETINGS = ROOT / "samples" / "undp-crc" / "meetings"


def binary():
    return str(Path(os.environ.get("LOGFRAME_BIN", str(ROOT / ".build/debug/logframe"))).resolve())


def logframe(*args, cwd):
    return subprocess.run([binary(), *map(str, args)], cwd=cwd, capture_output=True, timeout=300)


def field_lines(text, source):
    """The `fields:` lines of one source in a skeleton, by field id."""
    lines = text.splitlines()
    start = lines.index(f"  {source}:")
    fields = {}
    inside = False
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        if line.strip() == "fields:":
            inside = True
            continue
        if inside and line.startswith("      ") and not line.lstrip().startswith("#"):
            name = line.strip().split(":", 1)[0]
            fields[name] = line
    return fields


def local(path, tmp):
    """A copy of a sample file (or folder) inside tmp: definitions may only read data in their own
    project folder (docs/validation.md), so a skeleton written in tmp reads data copied there."""
    target = tmp / path.name
    if path.is_dir():
        shutil.copytree(path, target)
    else:
        shutil.copy(path, target)
    return target


@pytest.fixture()
def tmp():
    path = Path(tempfile.mkdtemp(prefix="logframe-init-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("csv", SAMPLE_CSVS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_init_on_every_sample_csv_validates(csv, tmp):
    csv = local(csv, tmp)
    out = tmp / "defs.yml"
    made = logframe("init", csv, "-o", out, cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ")  # commented
    checked = logframe("validate", out, cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()
    # Every row of the file is read and none is rejected.
    rows = sum(1 for _ in csv.open(encoding="utf-8-sig")) - 1
    summary = checked.stdout.decode()
    assert re.search(rf": {rows} rows read, {rows} used, 0 rejected", summary), summary
    # The skeleton is a complete programme: a report can be written from it straight away.
    report = logframe("report", out, "--format", "json", cwd=tmp)
    assert report.returncode == 0, report.stderr.decode()


def test_init_types_the_undp_applications_log(tmp):
    csv = ROOT / "samples/undp-crc/applications.csv"
    made = logframe("init", csv, cwd=tmp)  # to standard output
    assert made.returncode == 0, made.stderr.decode()
    text = made.stdout.decode("utf-8")
    fields = field_lines(text, "applications")
    assert "format: dd.MM.yyyy" in fields["date"]
    assert "type: date" in fields["date"]
    assert "integer" in fields["age"]
    assert "boolean" in fields["disability"]  # bəli/xeyr
    # Low-cardinality text gets its values, Azerbaijani letters intact and NFC.
    assert "in: [" in fields["service"]
    for value in ("Füzuli", "Ağcabədi", "Tərtər"):
        assert value in fields["centre"]
    assert unicodedata.is_normalized("NFC", text)
    # A personal column never lists its values, and says it is personal.
    assert "in: [" not in fields["full_name"]
    assert "personal" in fields["full_name"]
    assert "Bağırova" not in text
    # The date range of the data becomes the placeholder programme.
    assert re.search(r"^  start: 2020-12-01\b", text, re.M), text
    assert re.search(r"^  end: 2022-12-31\b", text, re.M) or re.search(r"^  end: 2022-\d\d-\d\d\b", text, re.M)
    # Likely breakdowns, and one example indicator that uses them.
    assert re.search(r"^  sex: \{field: sex", text, re.M)
    assert re.search(r"^  age: \{field: age.*bands: \[", text, re.M)
    assert re.search(r"^  centre: \{field: centre", text, re.M)
    assert re.search(r"^        value: distinct\(person_id\)", text, re.M)
    assert re.search(r"^        by: \[.*sex.*\]", text, re.M)
    # The record id repeats on line 111 (a planted duplicate): not declared as the key.
    assert "    key: record_id" not in text


def test_init_writes_the_same_file_twice(tmp):
    csv = ROOT / "samples/article54/cbos.csv"
    first = logframe("init", csv, cwd=tmp).stdout
    second = logframe("init", csv, cwd=tmp).stdout
    assert first and first == second


def test_init_never_overwrites_without_force(tmp):
    csv = local(ROOT / "samples/right-to-the-city/coalitions.csv", tmp)
    out = tmp / "defs.yml"
    out.write_text("mine\n", encoding="utf-8")
    refused = logframe("init", csv, "-o", out, cwd=tmp)
    assert refused.returncode == 2, refused.stderr.decode()  # a usage error: nothing was read
    assert b"--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "mine\n"
    forced = logframe("init", csv, "--output", out, "--force", cwd=tmp)
    assert forced.returncode == 0, forced.stderr.decode()
    assert out.read_text(encoding="utf-8").startswith("#")
    assert logframe("validate", out, cwd=tmp).returncode == 0


def test_paths_are_relative_to_the_written_file(tmp):
    (tmp / "data").mkdir()
    (tmp / "defs").mkdir()
    shutil.copy(ROOT / "samples/ecy-social-services/events.csv", tmp / "data" / "events.csv")
    made = logframe("init", "data/events.csv", "-o", "defs/programme.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs/programme.yml").read_text(encoding="utf-8")
    assert re.search(r'^    path: "?\.\./data/events\.csv"?$', text, re.M), text
    # Validated from another folder: paths follow the definitions file, not the current folder.
    assert logframe("validate", tmp / "defs/programme.yml", cwd=ROOT).returncode == 0


def test_azerbaijani_headers_and_values_survive(tmp):
    # Headers in Azerbaijani, one of them decomposed (NFD), a semicolon delimiter, a BOM.
    header = "qeyd_nömrəsi;tarix;rayon;cins;yaş;" + unicodedata.normalize("NFD", "əlillik") + ";ad_soyad;telefon"
    rows = []
    for i in range(40):
        rows.append(";".join([f"Q-{i:03}", f"{1 + i % 28:02}.{1 + i % 12:02}.2024", ["Ağcabədi", "Şəki", "Gəncə"][i % 3],
                              "F" if i % 2 else "M", str(5 + i), ["bəli", "xeyr"][i % 2], f"Şəxs {i} Əliyeva", f"+99450{i:07}"]))
    (tmp / "qeydlər.csv").write_text("\ufeff" + header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    made = logframe("init", "qeydlər.csv", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "qeyd_nömrəsi" in text and "əlillik" in text
    assert "delimiter" in text
    for place in ("Ağcabədi", "Şəki", "Gəncə"):
        assert place in text
    assert "Əliyeva" not in text and "+99450" not in text  # personal values never copied
    fields = field_lines(text, "qeydlər")
    assert "personal" in fields["ad_soyad"] and "personal" in fields["telefon"]
    assert "in: [" not in fields["telefon"]
    assert "boolean" in fields["əlillik"]
    assert "format: dd.MM.yyyy" in fields["tarix"]
    checked = logframe("validate", "defs.yml", cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()
    assert b"40 rows read, 40 used, 0 rejected" in checked.stdout


def test_month_first_dates_are_recognised(tmp):
    rows = "".join(f"{i},{m:02}/{d:02}/2023,{['a', 'b'][i % 2]}\n" for i, (m, d) in enumerate([(1, 5), (2, 17), (3, 30), (12, 1)]))
    (tmp / "us.csv").write_text("id,visit,kind\n" + rows, encoding="utf-8")
    made = logframe("init", "us.csv", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    assert "format: MM/dd/yyyy" in field_lines(text, "us")["visit"]
    assert logframe("validate", "defs.yml", cwd=tmp).returncode == 0


def test_init_on_odk_submissions_validates(tmp):
    files = sorted(local(MEETINGS, tmp).glob("*.xml"))
    # One submission ...
    made = logframe("init", files[0], "-o", "one.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    one = (tmp / "one.yml").read_text(encoding="utf-8")
    checked = logframe("validate", "one.yml", cwd=tmp)
    assert checked.returncode == 0, one + checked.stderr.decode()
    # ... and all of them, as one source over a glob, with the participant repeat as a second
    # source that reads the submission's id and date from its parent.
    made = logframe("init", *files, "-o", "all.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "all.yml").read_text(encoding="utf-8")
    assert "*.xml" in text
    assert re.search(r'^    record: "?/data/participants/participant"?$', text, re.M), text
    assert "meta/instanceID" in text
    assert "../../meta/instanceID" in text
    assert "Rəşad İsmayılov" not in text  # a facilitator's name is not a category here (too many), never listed
    assert unicodedata.is_normalized("NFC", text)
    checked = logframe("validate", "all.yml", cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()
    summary = checked.stdout.decode()
    assert f"{len(files)} rows read, {len(files)} used, 0 rejected" in summary, summary
    participants = sum(f.read_text(encoding="utf-8").count("<participant>") for f in files)
    assert f"{participants} rows read, {participants} used, 0 rejected" in summary, summary


def test_init_refuses_what_it_cannot_read(tmp):
    (tmp / "w.csv").write_bytes("id,rayon\n1,Gäncä\n".encode("cp1252"))
    bad = logframe("init", "w.csv", cwd=tmp)
    assert bad.returncode == 1
    assert b"UTF-8" in bad.stderr
    missing = logframe("init", "nowhere.csv", cwd=tmp)
    assert missing.returncode == 1
    assert b"nowhere.csv" in missing.stderr
    assert not list(tmp.glob("*.yml"))


def build_xlsform(path):
    """A tiny XLSForm (survey, choices, settings) with a group, a repeat, select_one and
    select_multiple questions and Azerbaijani labels, as KoboToolbox and ODK Build write it."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Azerbaijani (az)", "calculation"])
    for row in [
        ["start", "start", None, None, None],
        ["today", "today", None, None, None],
        ["begin group", "visit", "Visit", "Ziyarət", None],
        ["date", "visit_date", "Date of the visit", "Ziyarətin tarixi", None],
        ["select_one district", "district", "District", "Rayon", None],
        ["text", "facilitator", "Facilitator", "Fasilitator", None],
        ["end group", None, None, None, None],
        ["integer", "household_size", "People in the household", "Ailə üzvlərinin sayı", None],
        ["decimal", "income", "Monthly income (AZN)", "Aylıq gəlir (AZN)", None],
        ["select_multiple needs", "needs", "Priority needs", "Prioritet ehtiyaclar", None],
        ["select_one yes_no", "consent", "Consent given", "Razılıq verildi", None],
        ["note", "thanks", "Thank you", "Təşəkkür edirik", None],
        ["begin repeat", "member", "Household member", "Ailə üzvü", None],
        ["text", "member_name", "Name", "Ad", None],
        ["select_one sex", "sex", "Sex", "Cins", None],
        ["integer", "age", "Age", "Yaş", None],
        ["end repeat", None, None, None, None],
        ["calculate", "member_count", None, None, "count(${member_name})"],
    ]:
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::Azerbaijani (az)"])
    for row in [
        ["district", "fuzuli", "Füzuli", "Füzuli"],
        ["district", "agcabedi", "Aghjabadi", "Ağcabədi"],
        ["needs", "water", "Water", "Su"],
        ["needs", "roads", "Roads", "Yollar"],
        ["needs", "jobs", "Jobs", "İş yerləri"],
        ["yes_no", "yes", "Yes", "Bəli"],
        ["yes_no", "no", "No", "Xeyr"],
        ["sex", "F", "Female", "Qadın"],
        ["sex", "M", "Male", "Kişi"],
    ]:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Ev ziyarəti", "home_visit", "2024010101"])
    book.save(path)


def submission(root, date, members, number):
    people = "".join(f"<member><member_name>{n}</member_name><sex>{s}</sex><age>{a}</age></member>" for n, s, a in members)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns:jr="http://openrosa.org/javarosa" id="home_visit" version="2024010101">'
            f"<start>{date}T09:00:00.000+04:00</start><today>{date}</today>"
            f"<visit><visit_date>{date}</visit_date><district>agcabedi</district><facilitator>Rəşad İsmayılov</facilitator></visit>"
            f"<household_size>{len(members)}</household_size><income>350.50</income><needs>water jobs</needs><consent>yes</consent>"
            f"{people}<member_count>{len(members)}</member_count>"
            f"<meta><instanceID>uuid:6f1c2a4e-0000-4000-8000-00000000000{number}</instanceID></meta></{root}>\n")


def test_init_on_an_xlsform_validates_with_its_submissions(tmp):
    pytest.importorskip("openpyxl")
    build_xlsform(tmp / "home_visit.xlsx")
    made = logframe("init", "home_visit.xlsx", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    # The questions' types, and the choice lists as `in:` (names, as submissions store them).
    assert re.search(r"visit_date: \{.*type: date", text), text
    assert re.search(r"household_size: \{?.*integer", text), text
    assert re.search(r"income: \{?.*number", text), text
    assert re.search(r"needs: \{.*type: choices.*in: \[water, roads, jobs\]", text), text
    assert re.search(r"district: \{.*in: \[fuzuli, agcabedi\]", text), text
    assert re.search(r"sex: \{.*in: \[F, M\]", text), text
    assert not re.search(r"^      thanks:", text, re.M)  # a note is no field
    member_line = next(line for line in text.splitlines() if line.strip().startswith("member_name:"))
    assert "personal" in member_line and "in: [" not in member_line
    assert "Ziyarətin tarixi" in text or "Date of the visit" in text  # labels kept as comments
    records = re.findall(r'^    record: "?([^"\s]+)"?', text, re.M)
    assert len(records) == 2, text
    main, repeat = sorted(records, key=len)
    assert repeat.endswith("/member") and repeat.startswith(main + "/")
    # Put two submissions where the skeleton says they will be, then validate.
    paths = re.findall(r'^    path: "?([^"\s]+)"?', text, re.M)
    assert paths and len(set(paths)) == 1, paths
    start = re.search(r"^  start: (\d{4}-\d\d-\d\d)", text, re.M).group(1)
    target = tmp / paths[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    root = main.strip("/")
    for n, members in enumerate([[("Aynur Əliyeva", "F", 34), ("Tural Əliyev", "M", 8)], [("Gülşən Məmmədova", "F", 61)]]):
        name = target.name.replace("*", f"submission-{n}") if "*" in target.name else target.name
        (target.parent / name).write_text(submission(root, start, members, n), encoding="utf-8")
        if "*" not in target.name:
            break
    checked = logframe("validate", "defs.yml", cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()
    assert b"0 rejected" in checked.stdout


def test_a_unique_date_column_is_never_the_key(tmp):
    # Two spellings of one instant would be one key for a person and two for the reader.
    (tmp / "t.csv").write_text("when,kind\n2021-01-01,a\n2021-01-02,a\n2021-01-03,b\n2021-01-04,b\n", encoding="utf-8")
    made = logframe("init", "t.csv", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^    key:", text, re.M), text
    assert re.search(r"^    date: when\b", text, re.M), text
    assert logframe("validate", "defs.yml", cwd=tmp).returncode == 0


def test_one_odk_submission_keys_on_its_instance_id(tmp):
    made = logframe("init", sorted(local(MEETINGS, tmp).glob("*.xml"))[0], "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    key = re.search(r"^    key: (\S+)", text, re.M)
    assert key, text
    assert re.search(rf"^      {re.escape(key.group(1))}: \{{path: \"?meta/instanceID", text, re.M), text
    assert re.search(r'submission: \{path: "?\.\./\.\./meta/instanceID', text), text
    checked = logframe("validate", "defs.yml", cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()


def test_a_repeat_holding_only_repeats_is_no_source(tmp):
    # As kobocat's double_repeat instance: bed_net repeats and holds only the member repeat, and
    # the submission has no instanceID or date to hand down, so bed_net would have no fields.
    xml = ('<?xml version="1.0"?>\n<data id="double_repeat">'
           "<bed_net><member><member_name>Aynur</member_name><age>30</age></member>"
           "<member><member_name>Tural</member_name><age>4</age></member></bed_net>"
           "<bed_net><member><member_name>Samirə</member_name><age>61</age></member></bed_net></data>\n")
    (tmp / "s.xml").write_text(xml, encoding="utf-8")
    made = logframe("init", "s.xml", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 0, made.stderr.decode()
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    records = re.findall(r'^    record: "?([^"\s]+)"?', text, re.M)
    assert records == ["/data", "/data/bed_net/member"], text
    checked = logframe("validate", "defs.yml", cwd=tmp)
    assert checked.returncode == 0, text + checked.stderr.decode()
    assert b"member: 3 rows read, 3 used, 0 rejected" in checked.stdout


def test_xml_with_an_undeclared_namespace_prefix_is_refused_as_validate_refuses_it(tmp):
    (tmp / "s.xml").write_text('<?xml version="1.0"?>\n<data id="f">\n  <jr:x>1</jr:x>\n</data>\n', encoding="utf-8")
    made = logframe("init", "s.xml", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 1
    assert b"[xml-malformed]" in made.stderr and b"s.xml:3" in made.stderr, made.stderr
    assert not (tmp / "defs.yml").exists()


def test_malformed_rows_are_reported_and_the_skeleton_is_still_written(tmp):
    (tmp / "r.csv").write_text("id,kind\n1,a\n2,a,extra\n3,b\n4,b\n5,a\n", encoding="utf-8")
    made = logframe("init", "r.csv", "-o", "defs.yml", cwd=tmp)
    assert made.returncode == 1  # problems in the user's file, as report exits 1 with its report
    assert b"r.csv:3:1: error:" in made.stderr and b"[csv-ragged-row]" in made.stderr
    text = (tmp / "defs.yml").read_text(encoding="utf-8")
    assert re.search(r"^    # TODO: 1 malformed row was left out", text, re.M), text
    assert "in: [a, b]" in text
    # The definitions load; validate points at the same row, and only at it.
    checked = logframe("validate", "defs.yml", cwd=tmp)
    assert checked.returncode == 1
    assert b"5 rows read, 4 used, 1 rejected" in checked.stdout
    assert checked.stderr.decode().count("error:") == 1
