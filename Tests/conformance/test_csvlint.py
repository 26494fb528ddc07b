"""Conformance with csvlint.rb's Cucumber scenarios (features/*.feature, extracted to scenarios/NN-*/).

csvlint numbers rows as physical lines with the header as row 1, like logframe. Each scenario's
expected csvlint message type is translated into logframe diagnostics (or none, for a deliberate
difference); see docs/validation-conformance.md. Scenarios that depend on HTTP headers, URLs,
Excel files or parser options logframe does not have are not collected (listed in the doc).
"""
import json

import pytest

from conftest import CSVLINT, normalise

SCEN = CSVLINT / "scenarios"
FIX = CSVLINT / "fixtures"
COLS = {"col1": "text", "col2": "text", "col3": "text"}
FOO = {"Foo": "text", "Bsr": "text", "Baz": "text"}


def first_bad_utf8_line(path):
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return data[: err.start].count(b"\n") + 1
    raise AssertionError(f"{path} is valid UTF-8")


def steps(scenario):
    return json.loads((SCEN / scenario / "scenario.json").read_text(encoding="utf-8"))


def inline(scenario):
    return SCEN / scenario / "input.csv"


# id, scenario folder, upstream expectation (from the Then steps), data file, fields,
# extra source options, expected logframe diagnostics (file, line, field, code), expected rows read
CASES = [
    ("ragged_rows", "01-csv-with-ragged-rows", "1 error ragged_rows row 3",
     inline("01-csv-with-ragged-rows"), COLS, {}, [("data.csv", 3, None, "csv-ragged-row")], 2),
    ("unclosed_quote", "02-csv-with-incorrect-quoting", "1 error unclosed_quote row 2",
     inline("02-csv-with-incorrect-quoting"), COLS, {}, [("data.csv", 2, None, "csv-unterminated-quote")], 1),
    ("whitespace", "03-successfully-report-a-csv-with-incorrect-whitespace", "1 error whitespace row 2",
     inline("03-successfully-report-a-csv-with-incorrect-whitespace"), COLS, {},
     [("data.csv", 2, 3, "csv-stray-quote")], 1),
    ("blank_rows quoted empties", "04-successfully-report-a-csv-with-blank-rows", "1 error blank_rows row 3",
     inline("04-successfully-report-a-csv-with-blank-rows"), COLS, {}, [], 3),
    ("blank_rows trailing", "05-successfully-report-a-csv-with-multiple-trailing-empty-rows",
     "1 error blank_rows row 4",
     inline("05-successfully-report-a-csv-with-multiple-trailing-empty-rows"), COLS, {}, [], 2),
    ("blank_rows empty line", "06-successfully-report-a-csv-with-an-empty-row", "1 error blank_rows row 3",
     inline("06-successfully-report-a-csv-with-an-empty-row"), COLS, {}, [], 2),
    ("invalid_encoding", "07-report-invalid-encoding", "1 error invalid_encoding",
     FIX / "invalid-byte-sequence.csv", {"Data": "text"}, {},
     [("data.csv", first_bad_utf8_line(FIX / "invalid-byte-sequence.csv"), None, "encoding-not-utf8")], 0),
    ("not_found", "11-handles-urls-that-404", "1 error not_found",
     None, COLS, {}, [("defs.yml", None, None, "file-not-found")], 0),
    ("line_breaks inconsistent", "13-inconsistent-line-endings-in-file-cause-an-error", "1 error line_breaks",
     FIX / "inconsistent-line-endings.csv", FOO, {}, [], 2),
    ("line_breaks inconsistent unquoted",
     "14-inconsistent-line-endings-with-unquoted-fields-in-file-cause", "1 error line_breaks",
     FIX / "inconsistent-line-endings-unquoted.csv", FOO, {}, [], 2),
    ("utf-8", "15-utf-8-encoding", "0 warnings", inline("15-utf-8-encoding"), COLS, {}, [], 1),
    ("title_row", "21-title-rows", "1 warning title_row", FIX / "title-row.csv", FOO, {},
     [("data.csv", 1, None, "missing-column")] * 3, 0),
    ("nonrfc_line_breaks LF", "24-lf-line-endings-in-file-give-an-info-message", "1 info nonrfc_line_breaks",
     FIX / "lf-line-endings.csv", FOO, {}, [], 2),
    ("CRLF", "25-crlf-line-endings-in-file-produces-no-info-messages", "0 info messages",
     FIX / "crlf-line-endings.csv", FOO, {}, [], 2),
    # csvlint matches schema fields to columns by position; logframe by name, so `column` names
    # the header cell at that position.
    ("schema valid", "26-valid-csv", "0 errors", inline("26-valid-csv"),
     {"Name": {"column": "Bob", "required": True},
      "Id": {"column": "1234", "required": True, "pattern": ".{1,}"},
      "Email": {"column": "bob@example.org", "required": True}}, {}, [], 1),
    ("schema min_length", "27-schema-invalid-csv", "1 error", inline("27-schema-invalid-csv"),
     {"Name": {"column": "Bob", "required": True},
      "Id": {"column": "1234", "required": True, "pattern": ".{3,}"},
      "Email": {"column": "bob@example.org", "required": True}}, {}, [("data.csv", 2, 2, "field-pattern")], 1),
    ("schema header mismatch", "28-csv-with-incorrect-header", "1 warning", inline("28-csv-with-incorrect-header"),
     {"name": {"required": True}, "id": {"required": True, "pattern": ".{3,}"},
      "email": {"required": True}}, {}, [("data.csv", 1, None, "missing-column")], 0),
    ("schema valid regex", "29-schema-with-valid-regex", "0 errors", inline("29-schema-with-valid-regex"),
     {"Name": {"column": "firstname", "required": True, "pattern": "^[A-Za-z0-9_]*$"},
      "Id": {"column": "id", "required": True, "pattern": ".{1,}"},
      "Email": {"column": "email", "required": True}}, {}, [], 2),
    ("invalid_regex", "30-schema-with-invalid-regex", "1 error invalid_regex", inline("30-schema-with-invalid-regex"),
     {"Name": {"column": "firstname", "required": True, "pattern": "(("},
      "Id": {"column": "id", "required": True, "pattern": ".{1,}"},
      "Email": {"column": "email", "required": True}}, {}, [("defs.yml", None, None, "invalid-value")], None),
    ("check_options", "32-warn-if-options-seem-to-return-invalid-data", "1 warning check_options",
     inline("32-warn-if-options-seem-to-return-invalid-data"), {"Foo": "text", "Bar": "text", "Baz": "text"},
     {"delimiter": ","}, [("data.csv", 1, None, "missing-column")] * 3, 0),
    ("esoteric line endings", "33-use-esoteric-line-endings", "valid",
     FIX / "windows-line-endings.csv", {"a": "text", "b": "text", "c": "text"}, {}, [], 1),
]


@pytest.mark.parametrize("cid,scenario,upstream,data,fields,options,expected,rows_read", CASES,
                         ids=[c[0] for c in CASES])
def test_scenario(validate, cid, scenario, upstream, data, fields, options, expected, rows_read):
    # The expectation written in CASES is the one the upstream scenario states.
    then = json.dumps(steps(scenario))
    for word in upstream.split():
        if "_" in word:
            assert f'have the type \\"{word}\\"' in then, (word, then)
    if " row " in upstream:
        assert f'have the row \\"{upstream.rsplit(" ", 1)[1]}\\"' in then
    result = validate({"data.csv": data}, {"s": {"path": "data.csv", "fields": fields, **options}})
    assert normalise(result) == sorted(expected, key=repr)
    if rows_read is not None:
        assert result.source("s")["rowsRead"] == rows_read


def test_whitespace_before_quote_is_a_warning_and_keeps_the_row(validate):
    """csvlint `whitespace` is an error; logframe warns (csv-stray-quote) and keeps the row."""
    result = validate({"data.csv": inline("03-successfully-report-a-csv-with-incorrect-whitespace")},
                      {"s": {"path": "data.csv", "fields": COLS}})
    assert [d["severity"] for d in result.diagnostics] == ["warning"]
    assert result.source("s")["rowsUsed"] == 1
