/// Every diagnostic code logframe reports, in one place: the catalogue behind `Diagnostic.code`.
///
/// Codes are stable (tools, CI annotations and tests match on them), so one is added here, and
/// to the table in docs/validation.md, before any stage reports it; `DiagnosticCatalogueTests`
/// checks that the sources use no other code and that the documentation lists exactly these.
public enum DiagnosticCode: String, CaseIterable, Sendable {
    // The definitions file (LogframeDefinitions).
    /// The YAML cannot be parsed.
    case yamlSyntax = "yaml-syntax"
    /// The same key twice in one mapping.
    case duplicateKey = "duplicate-key"
    /// Aliases that would expand the document beyond the limit (a "billion laughs").
    case yamlAliasBomb = "yaml-alias-bomb"
    /// Nesting deeper than the limit.
    case yamlTooDeep = "yaml-too-deep"
    /// The definitions file is not UTF-8.
    case definitionsEncoding = "definitions-encoding"
    /// The definitions file is larger than the limit.
    case definitionsTooLarge = "definitions-too-large"
    /// A definitions format version this logframe does not read.
    case unsupportedVersion = "unsupported-version"
    /// A required key is absent (or the file is empty).
    case missingKey = "missing-key"
    /// A key that is not part of the format (with the closest known key as a hint).
    case unknownKey = "unknown-key"
    /// A value of the wrong shape or outside its allowed values.
    case invalidValue = "invalid-value"
    /// A result or indicator id used twice.
    case duplicateId = "duplicate-id"
    case unknownSource = "unknown-source"
    case unknownField = "unknown-field"
    case unknownDimension = "unknown-dimension"
    case unknownIndicator = "unknown-indicator"
    case unknownPeriod = "unknown-period"
    case rowsSuppressed = "rows-suppressed"
    /// `$ID` references that form a circle.
    case indicatorCycle = "indicator-cycle"
    /// `$ID` chains too long, or inlining too many formulas.
    case indicatorReferencesTooDeep = "indicator-references-too-deep"
    /// A final target dated outside the programme.
    case targetOutsideProgramme = "target-outside-programme"
    /// A source no indicator reads (warning).
    case unusedSource = "unused-source"
    /// A dimension no indicator breaks down by (warning).
    case unusedDimension = "unused-dimension"
    /// An undated source read by an indicator of a programme with several periods (warning).
    case undatedSource = "undated-source"
    /// A field whose name looks personal (name, phone, fin, ...) declared neither way; it is
    /// treated as personal (warning).
    case personalFieldUndeclared = "personal-field-undeclared"
    /// A breakdown by a personal field: its categories would print personal values.
    case personalFieldInBreakdown = "personal-field-in-breakdown"

    // Expressions (LogframeExpressions, reported at their place in the definitions file).
    case expressionSyntax = "expression-syntax"
    /// An expression nested past the parser's depth limit.
    case expressionTooDeep = "expression-too-deep"
    /// An expression longer than the length limit.
    case expressionTooLong = "expression-too-long"
    /// A value of the wrong type for where it is used (a filter that is not true/false, a sum of text).
    case expressionType = "expression-type"
    case unknownFunction = "unknown-function"
    case wrongArgumentCount = "wrong-argument-count"
    /// A field outside an aggregate in a value, an aggregate inside a filter, `$ID` in a row expression.
    case aggregateMisuse = "aggregate-misuse"

    // Files (LogframeDefinitions for the definitions file, LogframeData for data files).
    case fileNotFound = "file-not-found"
    /// A file (or folder) that cannot be opened or read.
    case fileUnreadable = "file-unreadable"
    case encodingUTF16 = "encoding-utf16"
    case encodingNotUTF8 = "encoding-not-utf8"
    /// NUL bytes: not a text file (a spreadsheet, an image).
    case binaryFile = "binary-file"
    /// A data path outside the project folder (without `--allow-outside`), or not a regular file.
    case pathOutsideProject = "path-outside-project"
    /// A cell larger than `--max-cell-bytes`.
    case cellTooLarge = "cell-too-large"

    // CSV files.
    case csvEmptyFile = "csv-empty-file"
    /// The `header_row` line is blank, inside a quoted cell, or past the end of the file.
    case csvHeaderRow = "csv-header-row"
    case csvRaggedRow = "csv-ragged-row"
    case csvStrayQuote = "csv-stray-quote"
    case csvUnterminatedQuote = "csv-unterminated-quote"
    case missingColumn = "missing-column"
    case duplicateColumn = "duplicate-column"

    // XML files.
    case xmlRecordMissing = "xml-record-missing"
    case xmlPathInvalid = "xml-path-invalid"
    case xmlMalformed = "xml-malformed"
    case xmlDoctypeRefused = "xml-doctype-refused"

    // Records (LogframeData): each rejects the record, except a rule with severity warning.
    case fieldType = "field-type"
    case fieldRequired = "field-required"
    case fieldNotInList = "field-not-in-list"
    case fieldOutOfRange = "field-out-of-range"
    case fieldPattern = "field-pattern"
    /// A field's `pattern:` is not a valid regular expression.
    case fieldPatternInvalid = "field-pattern-invalid"
    /// A dated source's record without a date.
    case dateMissing = "date-missing"
    case dateOutsideProgramme = "date-outside-programme"
    case ruleFailed = "rule-failed"
    /// A child record whose parent key is empty or not found.
    case orphanParent = "orphan-parent"
    /// The parent source or its single key field is not defined.
    case parentUnavailable = "parent-unavailable"
    /// The parent source gave no rows (warning).
    case parentUnreadable = "parent-unreadable"

    // Figures (LogframeEngine).
    /// A dimension with more categories than a breakdown can tell apart.
    case dimensionTooManyCategories = "dimension-too-many-categories"
    /// A sum too large to compute exactly: shown as n/a.
    case sumOverflow = "sum-overflow"

    // The command line (LogframeCLI).
    /// `--output` names one of the run's own inputs.
    case outputIsInput = "output-is-input"
    /// The report cannot be written where `--output` says.
    case outputUnwritable = "output-unwritable"
    /// A workbook sheet beyond Excel's limits of columns or rows.
    case xlsxTooLarge = "xlsx-too-large"
    /// The workbook could not be built.
    case xlsxFailed = "xlsx-failed"

    // `logframe init` (LogframeData's column profiling and XLSForm reading).
    /// A submission file too large to profile.
    case fileTooLarge = "file-too-large"
    /// A submission of another form (another root element): left out of the skeleton.
    case initOtherForm = "init-other-form"
    /// An `.xlsx` file that cannot be opened as a workbook.
    case xlsformUnreadable = "xlsform-unreadable"
    /// A workbook without a `survey` sheet, or one without its `type` and `name` columns.
    case xlsformNoSurvey = "xlsform-no-survey"

    // `logframe sql` (LogframeSQL).
    /// An XML source: not compiled to SQL.
    case sqlXMLSource = "sql-xml-source"
    /// A source feature SQL does not compile (parent joins, CSV reading options).
    case sqlUnsupported = "sql-unsupported"
    /// An indicator whose figures the script cannot give (left out of it).
    case sqlIndicatorLeftOut = "sql-indicator-left-out"
    /// The dialect cannot normalise text to NFC: the table's text must already be NFC.
    case sqlNoNFC = "sql-no-nfc"

    // Exports to IATI and DHIS2 (LogframeDefinitions for `exports.iati` and the `--map` file, LogframeExport).
    /// The IATI identifier does not start with the reporting organisation's ref (warning; IATI rule 1.1.21).
    case iatiIdentifierPrefix = "iati-identifier-prefix"
    /// `--format iati` for definitions without an `exports.iati` block.
    case iatiDetailsMissing = "iati-details-missing"
    /// A category of a breakdown (or "not recorded") without a DHIS2 option in the `--map` file.
    case mapOptionMissing = "map-option-missing"
    /// A period of the programme that DHIS2 (or ADX) has no period for.
    case mapPeriodUnsupported = "map-period-unsupported"
    /// `--engine`: the definitions cannot be computed entirely in the database (XML source, ...).
    case engineIncomplete = "engine-incomplete"
    /// `--engine`: the database client failed, or returned rows logframe cannot read.
    case engineFailed = "engine-failed"
}
