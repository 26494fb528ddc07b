"""Conformance with frictionless-py's own validation tests (and reports generated with frictionless 5.21).

Every upstream error (rowNumber, fieldNumber, type) is translated into the logframe diagnostic it
should produce, or into nothing when logframe deliberately does not report it; the translation rules
and their reasons are in docs/validation-conformance.md. Frictionless row numbers count every parsed
row with the header as row 1; they are turned into physical lines by re-parsing the file.
"""
import json
import re

import pytest

from conftest import FRICTIONLESS, normalise, parsed_rows, record_start_lines

DATA = FRICTIONLESS / "data"
EXPECTED = json.loads((FRICTIONLESS / "expected-errors-from-tests.json").read_text(encoding="utf-8"))

CONSTRAINT_CODES = {"required": "field-required", "in": "field-not-in-list",
                    "min": "field-out-of-range", "max": "field-out-of-range", "pattern": "field-pattern"}
# Not an existing logframe code: the diagnostic a declared, duplicated header should produce.
DUPLICATE_COLUMN = "duplicate-column"


def upstream_test(name, source_file="frictionless/resource/__spec__/test_validate.py"):
    hits = [e for e in EXPECTED if e["test"] == name and e["source_file"].endswith(source_file.split("/", 1)[1])]
    assert len(hits) == 1, name
    return hits[0]


def from_test(name, source_file="frictionless/resource/__spec__/test_validate.py", task=None):
    entry = upstream_test(name, source_file)
    (assertion,) = entry["flatten_asserts"]
    keys = assertion["keys"]
    rows = [dict(zip(keys, item)) for item in assertion["expected"]]
    if task is not None:
        rows = [r for r in rows if r["taskNumber"] == task]
    return rows


def from_report(name):
    report = json.loads((FRICTIONLESS / "generated-reports" / name).read_text(encoding="utf-8"))
    return [e for t in report["tasks"] for e in t["errors"]]


def schema_fields(schema_file):
    """A Frictionless table schema as logframe fields (by name, as with schema_sync / fieldsMatch)."""
    schema = json.loads((DATA / schema_file).read_text(encoding="utf-8"))
    types = {"string": "text", "integer": "integer", "number": "number", "datetime": "date",
             "date": "date", "boolean": "boolean", "any": "text"}
    fields = {}
    for i, f in enumerate(schema["fields"], start=1):
        spec = {"column": f["name"], "type": types[f.get("type", "string")]}
        c = f.get("constraints", {})
        if c.get("required"):
            spec["required"] = True
        if "enum" in c:
            spec["in"] = c["enum"]
        fields[f"f{i}"] = spec
    return fields


class Case:
    def __init__(self, cid, csv, fields, upstream, key=None):
        self.cid, self.csv, self.fields, self.upstream, self.key = cid, csv, fields, upstream, key

    def __repr__(self):
        return self.cid


def translate(case, sid="s", name="data.csv"):
    """Upstream errors -> (expected logframe diagnostics, expected-but-missing because of a known bug)."""
    path = DATA / case.csv
    rows = parsed_rows(path)
    header = rows[0] if rows else []
    starts = record_start_lines(path)
    declared = {spec["column"] if isinstance(spec, dict) and "column" in spec else fid
                for fid, spec in case.fields.items()}
    specs = {(spec["column"] if isinstance(spec, dict) and "column" in spec else fid): spec
             for fid, spec in case.fields.items()}
    # A missing declared column, or a declared column repeated in the header, refuses the file.
    refused = any(e["type"] == "missing-label"
                  or (e["type"] == "duplicate-label" and header[e["fieldNumber"] - 1] in declared)
                  for e in case.upstream)

    def ragged(r):
        return len(rows[r - 1]) not in (0, len(header))

    expected, bugs = set(), set()
    for e in case.upstream:
        kind, r, f = e["type"], e.get("rowNumber"), e.get("fieldNumber")
        line = starts.get(r) if r else None
        if kind in ("blank-row", "blank-label", "extra-label"):
            continue                                   # D1 blank rows skipped; D2/D3 undeclared columns ignored
        if kind == "duplicate-label":
            if header[f - 1] in declared:
                expected.add((name, 1, f, DUPLICATE_COLUMN))
                bugs.add((name, 1, f, DUPLICATE_COLUMN))   # was BUG-1, fixed: kept as its own test
            continue                                   # D2: an undeclared duplicate is ignored
        if kind == "missing-label":
            expected.add((name, 1, None, "missing-column"))
            continue
        if refused:
            continue                                   # D6: the file is refused at its header
        if kind in ("missing-cell", "extra-cell"):
            if ragged(r):
                expected.add((name, line, None, "csv-ragged-row"))   # one per row, not per cell
            continue                                   # D3: cells of undeclared columns
        if kind in ("type-error", "constraint-error"):
            if ragged(r):
                continue                               # D4: a ragged row is rejected before its cells are typed
            if kind == "type-error":
                expected.add((name, line, f, "field-type"))
            else:
                cell = rows[r - 1][f - 1].strip()
                spec = specs[header[f - 1]]
                if cell == "":
                    code = "field-required"
                else:
                    code = next(CONSTRAINT_CODES[k] for k in ("in", "min", "max", "pattern") if k in spec)
                expected.add((name, line, f, code))
            continue
        if kind in ("unique-error", "primary-key"):
            row = rows[r - 1]
            key_cell = row[header.index(case.key)].strip() if len(row) == len(header) else ""
            if ragged(r) or key_cell == "" or any(
                    x["rowNumber"] == r and x["type"] == "type-error" for x in case.upstream):
                continue                               # D5: null key / row already rejected
            expected.add((name, line, header.index(case.key) + 1, "duplicate-key"))
            continue
        if kind == "encoding-error":
            position = int(re.search(r"in position (\d+)", e["note"]).group(1))
            bad_line = path.read_bytes()[:position].count(b"\n") + 1
            expected.add((name, bad_line, None, "encoding-not-utf8"))
            continue
        if kind == "source-error" and "empty" in e["note"]:
            expected.add((name, None, None, "csv-empty-file"))
            continue
        raise AssertionError(f"no translation for {kind} in {case.cid}")
    return sorted(expected, key=repr), sorted(bugs, key=repr)


INFERRED_ID_NAME = {"id": "integer", "name": "text"}
INFERRED_ID_NAME_AGE = {"id": "integer", "name": "text", "age": "integer"}

CASES = [
    # upstream test (or generated report), data file, the upstream schema as logframe fields, key
    Case("test_resource_validate_invalid_table", "invalid.csv", INFERRED_ID_NAME,
         from_test("test_resource_validate_invalid_table")),
    Case("test_resource_validate_blank_headers", "blank-headers.csv", {"id": "integer", "age": "integer"},
         from_test("test_resource_validate_blank_headers")),
    Case("test_resource_validate_duplicate_headers", "duplicate-headers.csv", INFERRED_ID_NAME_AGE,
         from_test("test_resource_validate_duplicate_headers")),
    Case("test_resource_validate_defective_rows", "defective-rows.csv", INFERRED_ID_NAME_AGE,
         from_test("test_resource_validate_defective_rows")),
    Case("test_resource_validate_blank_rows", "blank-rows.csv", INFERRED_ID_NAME_AGE,
         from_test("test_resource_validate_blank_rows")),
    Case("test_resource_validate_blank_rows_multiple", "blank-rows-multiple.csv", INFERRED_ID_NAME_AGE,
         from_test("test_resource_validate_blank_rows_multiple")),
    Case("test_resource_validate_no_data", "empty.csv", {"id": "text"},
         from_test("test_resource_validate_no_data")),
    Case("test_resource_validate_encoding_invalid", "latin1.csv", INFERRED_ID_NAME,
         from_test("test_resource_validate_encoding_invalid")),
    Case("test_resource_validate_wide_table_with_order_fields_issue_277", "issue-277.csv",
         schema_fields("issue-277.json"),
         from_test("test_resource_validate_wide_table_with_order_fields_issue_277"), key="Identifier"),
    Case("test_resource_validate_schema_extra_headers_and_cells", "table.csv", {"id": "integer"},
         from_test("test_resource_validate_schema_extra_headers_and_cells",
                   "frictionless/resource/__spec__/test_validate_schema.py")),
    Case("test_resource_validate_less_actual_fields_with_required_constraint_issue_950", "table.csv",
         {"id": "integer", "name": "text", "bad": {"type": "text", "required": True}},
         from_test("test_resource_validate_less_actual_fields_with_required_constraint_issue_950",
                   "frictionless/resource/__spec__/test_validate_schema.py")),
    Case("test_resource_validate_schema_primary_key_and_unique_error", "unique-field.csv",
         schema_fields("unique-field.json"),
         from_test("test_resource_validate_schema_primary_key_and_unique_error",
                   "frictionless/resource/__spec__/test_validate_schema.py"), key="id"),
    # limit_errors / pick_errors upstream: the complete report generated with frictionless 5.21 instead.
    Case("structure-errors.report.json", "structure-errors.csv", INFERRED_ID_NAME_AGE,
         from_report("structure-errors.report.json")),
    Case("schema-errors.with-schema-valid.report.json", "schema-errors.csv", schema_fields("schema-valid.json"),
         from_report("schema-errors.with-schema-valid.report.json"), key="id"),
]
# The key field is given by column name above; logframe wants the field id.
for _c in CASES:
    if _c.key is not None:
        _c.key_id = next((fid for fid, s in _c.fields.items()
                          if (s.get("column") if isinstance(s, dict) else None) == _c.key), _c.key)


def run_case(validate, case):
    key = getattr(case, "key_id", None)
    result = validate({"data.csv": DATA / case.csv},
                      {"s": {"path": "data.csv", "fields": case.fields, "key": key}})
    return normalise(result), result


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_same_diagnostics_as_frictionless(validate, case):
    expected, _ = translate(case)
    ours, _ = run_case(validate, case)
    assert ours == expected


BUG_CASES = [c for c in CASES if translate(c)[1]] + [
    Case("test_resource_validate_resource_duplicate_labels_with_sync_schema_issue_910", "duplicate-column.csv",
         schema_fields("duplicate-column-schema.json"),
         # upstream: one table-level "error" (schema_sync requires unique labels); located at the
         # duplicated declared header B (field 3) here.
         [{"type": "duplicate-label", "rowNumber": None, "fieldNumber": 3}]),
]


@pytest.mark.parametrize("case", BUG_CASES, ids=repr)
def test_duplicated_declared_header_is_reported(validate, case):
    _, bugs = translate(case)
    result = validate({"data.csv": DATA / case.csv},
                      {"s": {"path": "data.csv", "fields": case.fields, "key": getattr(case, "key_id", None)}})
    # An error at line 1 located at each duplicated declared header cell.
    found = {(d["line"], d["column"]) for d in result.diagnostics if d["severity"] == "error"}
    header_line = (DATA / case.csv).read_text(encoding="utf-8").splitlines()[0]
    starts = [1] + [i + 2 for i, ch in enumerate(header_line) if ch == ","]
    for _, line, field, _ in bugs:
        assert (line, starts[field - 1]) in found


PACKAGE = from_test("test_package_validate_from_path_invalid",
                    "frictionless/package/__spec__/test_validate.py")


def test_package_from_path_invalid(validate):
    """data/invalid/datapackage.json: two resources, blank rows and a primary key on a blank row."""
    cases = {
        1: Case("data", "invalid/data.csv",
                {"id": {"type": "text", "required": True}, "name": "text", "description": "text",
                 "amount": "number"}, [e for e in PACKAGE if e["taskNumber"] == 1], key="id"),
        2: Case("data2", "invalid/data2.csv", {"parent": "text", "comment": "text"},
                [e for e in PACKAGE if e["taskNumber"] == 2]),
    }
    assert sum(len(c.upstream) for c in cases.values()) == len(PACKAGE)
    expected = []
    for c in cases.values():
        expected += translate(c, name=c.cid + ".csv")[0]
    result = validate({c.cid + ".csv": DATA / c.csv for c in cases.values()},
                      {c.cid: {"path": c.cid + ".csv", "fields": c.fields, "key": c.key}
                       for c in cases.values()})
    assert normalise(result) == sorted(expected, key=repr)
    # The blank lines are skipped, not read as rows.
    assert result.source("data")["rowsRead"] == 2
    assert result.source("data2")["rowsRead"] == 3


def test_blank_rows_are_not_read_as_rows(validate):
    """D1: the blank rows Frictionless reports are skipped and not counted as rows read."""
    result = validate({"data.csv": DATA / "blank-rows-multiple.csv"},
                      {"s": {"path": "data.csv", "fields": INFERRED_ID_NAME_AGE}})
    assert result.source("s")["rowsRead"] == 2
