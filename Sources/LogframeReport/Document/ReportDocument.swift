import LogframeCore
import LogframeDefinitions
import LogframeEngine

// The format-neutral shape of a donor report. A style (eu, undp, unicef, iptt, pirs, sdg) builds
// one `ReportDocument` from the computed figures; a renderer (md, html, csv, xlsx) writes any
// document. So a new donor style is a builder, and a new format is a renderer; neither knows
// the other. Everything here is already localised and ready to show, but numbers stay numbers
// (with their display decimals) so spreadsheets get real numeric cells.

/// A whole report: a title block, then sections in order, then notes (reconciliation, hashes).
public struct ReportDocument: Sendable {
    /// Style id (`eu`, `undp`, ...), for renderers that tag output (file names, CSS classes).
    public var style: String
    /// `en` or `az`.
    public var language: String
    public var title: String
    /// Under the title: programme id, donor, implementer, period covered, as-of date.
    public var subtitle: [String]
    public var sections: [Section]
    /// Closing notes: the reconciliation of rows in words, data problems, the n/a and date rules.
    public var notes: [Block]
    /// The audit appendix, printed last: rows by source and every input file with its SHA-256.
    /// Nil when the report leaves it out (`report --no-audit`).
    public var audit: Section?

    public init(style: String, language: String, title: String, subtitle: [String], sections: [Section], notes: [Block], audit: Section? = nil) {
        self.style = style; self.language = language; self.title = title; self.subtitle = subtitle
        self.sections = sections; self.notes = notes; self.audit = audit
    }
}

/// A titled part of a report (a results level, an indicator's reference sheet, an SDG target).
public struct Section: Sendable {
    public var heading: String
    /// Nesting depth for headings: 0 = top.
    public var level: Int
    public var blocks: [Block]

    public init(heading: String, level: Int = 0, blocks: [Block]) {
        self.heading = heading; self.level = level; self.blocks = blocks
    }
}

public enum Block: Sendable {
    case paragraph(String)
    /// Label: value lines (a reference sheet's fields).
    case definitionList([(term: String, description: String)])
    case table(Table)
    /// A small chart; renderers that cannot draw (md, csv, xlsx) may skip it or show a table.
    case chart(Chart)
}

public struct Table: Sendable {
    /// Short machine-friendly name (CSV file suffix, XLSX sheet name), e.g. `logframe`, `iptt`.
    public var name: String
    public var caption: String?
    /// Header rows: one normally; two for grouped columns (IPTT: period name over target/actual/%).
    public var header: [[HeaderCell]]
    public var rows: [Row]
    /// Text under the table: "n/a: no data...", overlap notes.
    public var footnotes: [String]
    /// An annex the CSV export carries after its main table (after one blank line, with its own
    /// header row); other formats show every table anyway.
    public var csvAnnex: Bool

    public init(name: String, caption: String? = nil, header: [[HeaderCell]], rows: [Row], footnotes: [String] = [], csvAnnex: Bool = false) {
        self.name = name; self.caption = caption; self.header = header; self.rows = rows; self.footnotes = footnotes
        self.csvAnnex = csvAnnex
    }

    /// Number of leaf columns.
    public var columnCount: Int { header.last.map { $0.reduce(0) { $0 + $1.span } } ?? 0 }
}

public struct HeaderCell: Sendable {
    public var text: String
    /// Number of leaf columns this header spans.
    public var span: Int
    public init(_ text: String, span: Int = 1) { self.text = text; self.span = span }
}

public struct Row: Sendable {
    public enum Kind: Sendable {
        /// An ordinary data row.
        case data
        /// A results-chain row that heads the indicators under it (Impact, Outcome 1, ...).
        case group(depth: Int)
        /// A total or summary row.
        case total
        /// A row that details the data row above it: a breakdown cell under its indicator
        /// (`OP1.1 · Sex: Female`). Shown smaller and indented where the format can; data otherwise.
        case detail
    }

    public var kind: Kind
    public var cells: [Cell]
    public init(_ kind: Kind = .data, _ cells: [Cell]) { self.kind = kind; self.cells = cells }
}

/// One table cell. Numbers keep their value and their display decimals; text is plain (never
/// markup: every renderer escapes it for its format).
public enum Cell: Sendable {
    case text(String)
    /// A number shown with `decimals` fractional digits (rounding only at display).
    case number(ExactDecimal, decimals: Int)
    /// A percentage value (e.g. 69.875 for 69.9 %), shown with `decimals` digits and a % sign.
    case percent(ExactDecimal, decimals: Int)
    case date(CivilDate)
    /// A number with a note in words after it, such as a baseline with its reference year
    /// (`0 (2020)`): `text` is what Markdown, HTML and CSV show (it reads as text there);
    /// XLSX stores the number, with the note in the cell's number format (`#,##0" (2020)"`).
    case annotatedNumber(ExactDecimal, decimals: Int, percent: Bool, note: String, text: String)
    /// A change from a previous value, shown signed with an optional unit (`+7.1 pp`, `+3`, `-2`)
    /// and `decimals` digits; CSV and XLSX get the plain number.
    case change(ExactDecimal, decimals: Int, unit: String?)
    /// A status with its display word and traffic-light colour.
    case status(word: String, colour: StatusColour)
    /// A progress share (0-100+, may exceed 100) for a bar, with its display text.
    case progress(ExactDecimal, text: String)
    /// No value: shown as "n/a" (never 0).
    case notAvailable
    case empty
    /// Cells merged horizontally into the previous one (for group rows spanning the table).
    case spanned
}

public enum StatusColour: String, Sendable {
    case green, amber, red, grey, blue
}

public struct Chart: Sendable {
    public enum Kind: Sendable {
        /// Values by period, with an optional target line.
        case trend
        /// Horizontal bars, one per category.
        case bars
    }

    public var kind: Kind
    public var title: String
    /// (label, value) points; nil values are gaps (n/a).
    public var points: [(label: String, value: ExactDecimal?)]
    /// Target per point, for trend charts.
    public var targets: [ExactDecimal?]
    public var unitIsPercent: Bool
    /// Display decimals of the values and targets (the indicator's, 1 for shares); nil: whole
    /// numbers as they are, 1 place for percentages, 2 otherwise.
    public var decimals: Int?

    public init(kind: Kind, title: String, points: [(label: String, value: ExactDecimal?)], targets: [ExactDecimal?] = [], unitIsPercent: Bool = false,
                decimals: Int? = nil) {
        self.kind = kind; self.title = title; self.points = points; self.targets = targets; self.unitIsPercent = unitIsPercent
        self.decimals = decimals
    }
}

/// Input of every style builder: the definitions and the computed figures of one run.
public struct ReportInput: Sendable {
    public var definitions: LogframeDefinitions.Definitions
    public var result: LogframeEngine.EngineResult
    public var language: String
    public init(definitions: LogframeDefinitions.Definitions, result: LogframeEngine.EngineResult, language: String) {
        self.definitions = definitions; self.result = result; self.language = language
    }
}
