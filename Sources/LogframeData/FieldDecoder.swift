import Foundation
import LogframeCore
import LogframeDefinitions

/// Why one cell was refused.
enum FieldProblem: Sendable, Hashable {
    /// The text is not a value of the field's type.
    case type
    /// Empty, but the field is `required`.
    case required
    /// Not one of the `in:` values; for a `choices` field, the first option that is not.
    case notInList(option: String?)
    case belowMinimum
    case aboveMaximum
    /// The text does not match `pattern:` as a whole.
    case pattern
    /// The cell has more bytes than the limit (`Definitions.maxCellBytes`).
    case tooLarge

    /// The diagnostic code this problem is reported with (known before the message is built).
    var code: String {
        switch self {
        case .type: return "field-type"
        case .required: return "field-required"
        case .notInList: return "field-not-in-list"
        case .belowMinimum, .aboveMaximum: return "field-out-of-range"
        case .pattern: return "field-pattern"
        case .tooLarge: return "cell-too-large"
        }
    }
}

/// Turns a cell's bytes into a typed `Value` for one declared field and checks its constraints.
///
/// Empty cells (after trimming ASCII spaces and tabs) are null. Surrounding spaces are trimmed
/// from every value, text included. Text and choices cells go through a `ByteKeyedCache`, so
/// repeated values cost neither a `String` allocation, nor NFC normalisation, nor a regular
/// expression match; numbers and dates are parsed straight from the bytes.
final class FieldDecoder {
    let field: FieldDefinition
    private let allowedSet: Set<Value>?
    /// The `in:` values as shown to the user, in declaration order.
    let allowedTexts: [String]
    /// `pattern:`, matched without backtracking (`LinearPattern`).
    private let regex: LinearPattern?
    /// Set when `pattern:` is not a valid regular expression (reported once by the reader).
    private(set) var invalidPattern: String?
    private var cache: ByteKeyedCache<(Value, FieldProblem?)>?
    private var scratch: [UInt8] = []
    /// Cache statistics over the current window: a column of (nearly) unique values, such as a
    /// record id, gains nothing from the cache and is decoded directly once that is clear.
    private var windowLookups = 0
    private var windowHits = 0
    /// How cells are decoded: by the field's type, or `.adjusted` when `missing`, `thousands`
    /// or `decimal` apply (decided once, so a field without them pays nothing per cell).
    private(set) var mode: Mode
    /// The type's own mode, used by the `.adjusted` path once a cell is normalised.
    let plainMode: Mode
    /// `missing` texts and the number format (NumberFormat.swift); nil when none apply.
    let reading: CellReading?

    enum Mode { case text, choices, integer, number, date, boolean, invalid, adjusted, unread }

    /// Cells longer than this are refused unread (`cell-too-large`).
    let maxCellBytes: Int

    init(field: FieldDefinition, cacheLimit: Int = 1 << 16, maxCellBytes: Int = Definitions.defaultMaxCellBytes) {
        self.field = field
        self.maxCellBytes = maxCellBytes
        if let allowed = field.allowed {
            allowedSet = Set(allowed.map { FieldDecoder.normalized($0) })
            allowedTexts = allowed.map(\.description)
        } else {
            allowedSet = nil
            allowedTexts = []
        }
        if let pattern = field.pattern {
            do {
                regex = try LinearPattern(pattern)
            } catch {
                regex = nil
                invalidPattern = "\(pattern) (\(error.reason))"
            }
        } else {
            regex = nil
        }
        cache = (field.type == .text || field.type == .choices) ? ByteKeyedCache(maxEntries: cacheLimit) : nil
        scratch.reserveCapacity(64)
        switch field.type {
        case .text: plainMode = .text
        case .choices: plainMode = .choices
        case .integer: plainMode = .integer
        case .number: plainMode = .number
        case .date: plainMode = .date
        case .boolean: plainMode = .boolean
        case .list, .null: plainMode = .invalid
        }
        reading = CellReading(field)
        mode = reading == nil ? plainMode : .adjusted
    }

    /// Whether nothing but the empty and size checks can refuse this field's cells: plain text,
    /// no `in:` list, no `pattern:`, no `missing` texts.
    var checksOnlyPresence: Bool {
        mode == .text && allowedSet == nil && regex == nil && invalidPattern == nil
    }

    /// For a field nothing reads: cells are checked as before (empty, `required`, size) but
    /// not turned into values (the row gets null). Only for a field whose cells nothing else
    /// can refuse (`checksOnlyPresence`), so every diagnostic stays as it was.
    func skipValues() {
        precondition(checksOnlyPresence)
        mode = .unread
    }

    private static func normalized(_ value: Value) -> Value {
        if case .text(let text) = value { return .text(TextNormalization.nfc(text)) }
        return value
    }

    // MARK: - Decoding

    /// The cell's value and the first problem with it, if any.
    func decode(_ raw: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        let bytes = FieldDecoder.trimmed(raw)
        if bytes.isEmpty { return (.null, field.required ? .required : nil) }
        if bytes.count > maxCellBytes { return (.null, .tooLarge) }
        return decode(trimmed: bytes, mode)
    }

    /// A non-empty trimmed cell, decoded in `mode`.
    @inline(__always)
    func decode(trimmed bytes: UnsafeBufferPointer<UInt8>, _ mode: Mode) -> (Value, FieldProblem?) {
        switch mode {
        case .adjusted:
            return decodeAdjusted(bytes)
        case .text, .choices:
            guard let cache else {
                return field.type == .text ? decodeText(bytes) : decodeChoices(bytes)
            }
            let key = UnsafeRawBufferPointer(bytes)
            let hash = ByteHash.hash(key)
            windowLookups += 1
            if let hit = cache.lookup(key, hash: hash) {
                windowHits += 1
                return hit
            }
            let result = field.type == .text ? decodeText(bytes) : decodeChoices(bytes)
            cache.insert(key, hash: hash, payload: result)
            if windowLookups == 1 << 16 {
                // Fewer than one hit in four: the values are mostly distinct; stop caching.
                if windowHits * 4 < windowLookups { self.cache = nil }
                windowLookups = 0
                windowHits = 0
            }
            return result
        case .integer:
            guard let number = FieldDecoder.parseInteger(bytes) else { return (.null, .type) }
            return checkNumber(number, bytes)
        case .number:
            if let number = FieldDecoder.parsePlainDecimal(bytes) { return checkNumber(number, bytes) }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: bytes)
            var slice = scratch[...]
            guard let number = ExactDecimal.parse(&slice) else { return (.null, .type) }
            return checkNumber(number, bytes)
        case .date:
            if isISODate, bytes.count == 10, let date = FieldDecoder.parseISODate(bytes) {
                return checkOther(.date(date), bytes)
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: bytes)
            guard let date = CivilDate.parse(scratch[...], format: field.dateFormat) else { return (.null, .type) }
            return checkOther(.date(date), bytes)
        case .boolean:
            guard let flag = FieldDecoder.parseBoolean(bytes) else { return (.null, .type) }
            return checkOther(.bool(flag), bytes)
        case .invalid:
            return (.null, .type)
        case .unread:
            return (.null, nil)
        }
    }

    /// NFC text from bytes already validated as UTF-8; ASCII (already NFC) skips normalisation.
    @inline(__always)
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var ascii = true
        for i in 0..<bytes.count where bytes[i] >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        return TextNormalization.nfc(utf8: bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    private func decodeText(_ bytes: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        let text = FieldDecoder.text(bytes)
        let value = Value.text(text)
        if let allowedSet, !allowedSet.contains(value) { return (value, .notInList(option: nil)) }
        if let regex, !FieldDecoder.matches(regex, text) { return (value, .pattern) }
        return (value, nil)
    }

    private func decodeChoices(_ bytes: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        let text = FieldDecoder.text(bytes)
        let options = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let value = Value.choices(options)
        if let allowedSet {
            for option in options where !allowedSet.contains(.text(option)) {
                return (value, .notInList(option: option))
            }
        }
        if let regex {
            for option in options where !FieldDecoder.matches(regex, option) { return (value, .pattern) }
        }
        return (value, nil)
    }

    @inline(__always)
    private func checkNumber(_ number: ExactDecimal, _ bytes: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        let value = Value.number(number)
        if let min = field.min, number < min { return (value, .belowMinimum) }
        if let max = field.max, max < number { return (value, .aboveMaximum) }
        return checkOther(value, bytes)
    }

    @inline(__always)
    private func checkOther(_ value: Value, _ bytes: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        if let allowedSet, !allowedSet.contains(value) { return (value, .notInList(option: nil)) }
        if let regex, !FieldDecoder.matches(regex, String(decoding: bytes, as: UTF8.self)) { return (value, .pattern) }
        return (value, nil)
    }

    static func matches(_ regex: LinearPattern, _ text: String) -> Bool {
        regex.matches(text)
    }

    // MARK: - Byte-level parsers

    private var isISODate: Bool { field.dateFormat == .iso }

    /// `yyyy-MM-dd` exactly, straight from the bytes (the common case; others go to `CivilDate.parse`).
    @inline(__always)
    static func parseISODate(_ b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        @inline(__always) func digit(_ i: Int) -> Int? {
            let d = b[i] &- 48
            return d <= 9 ? Int(d) : nil
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9) else { return nil }
        return CivilDate(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    /// `-12`, `3.50`, `+7`: sign, digits and an optional `.` fraction, up to 18 digits, parsed
    /// without copying. Nil for anything else (exponents, long numbers, errors), which then goes
    /// to `ExactDecimal.parse` for the full rules.
    @inline(__always)
    static func parsePlainDecimal(_ b: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
            negative = b[0] == UInt8(ascii: "-")
            i = 1
        }
        var value: Int64 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        while i < b.count {
            let c = b[i]
            if c &- 48 <= 9 {
                value = value &* 10 &+ Int64(c &- 48)
                digits += 1
                if seenPoint { scale += 1 }
            } else if c == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, digits <= 18 else { return nil }
        return ExactDecimal(significand: Int128(negative ? -value : value), scale: scale)
    }

    @inline(__always)
    static func trimmed(_ raw: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = raw.count
        while start < end, raw[start] == 0x20 || raw[start] == 0x09 { start += 1 }
        while end > start, raw[end - 1] == 0x20 || raw[end - 1] == 0x09 { end -= 1 }
        if start == 0 && end == raw.count { return raw }
        return UnsafeBufferPointer(rebasing: raw[start..<end])
    }

    /// An optional sign and decimal digits only (`12.0` and `1e3` are not whole numbers here).
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> ExactDecimal? {
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count else { return nil }
        var value: Int128 = 0
        var digits = 0
        while i < bytes.count {
            let c = bytes[i] &- 48
            guard c <= 9 else { return nil }
            if value != 0 || c != 0 { digits += 1 }
            guard digits <= ExactDecimal.maxIntegerDigits else { return nil }
            value = value * 10 + Int128(c)
            i += 1
        }
        return ExactDecimal(significand: negative ? -value : value, scale: 0)
    }

    /// true/false, yes/no, y/n, 1/0, bəli/xeyr, in any letter case.
    static func parseBoolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false; break }
        if !ascii {
            let text = TextNormalization.nfc(String(decoding: bytes, as: UTF8.self)).lowercased()
                .replacingOccurrences(of: "\u{307}", with: "")  // Turkish/Azerbaijani İ lowercases to i + dot
            return text == "bəli" ? true : nil
        }
        guard bytes.count <= 5 else { return nil }
        var packed: UInt64 = 0
        for byte in bytes {
            let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
            packed = packed << 8 | UInt64(lower)
        }
        switch packed {
        case pack("true"), pack("yes"), pack("y"), pack("1"): return true
        case pack("false"), pack("no"), pack("n"), pack("0"), pack("xeyr"): return false
        default: return nil
        }
    }

    private static func pack(_ text: StaticString) -> UInt64 {
        var packed: UInt64 = 0
        text.withUTF8Buffer { for byte in $0 { packed = packed << 8 | UInt64(byte) } }
        return packed
    }

    // MARK: - Diagnostics

    /// The diagnostic for a problem with a cell, e.g.
    /// `"abc" in column age (line 12) is not a whole number`.
    func diagnostic(for problem: FieldProblem, cell raw: UnsafeBufferPointer<UInt8>, value: Value,
                    at location: SourceLocation) -> Diagnostic {
        let text = String(decoding: FieldDecoder.trimmed(raw), as: UTF8.self)
        let line = location.line ?? 0
        let column = field.column
        // At most a few hundred characters of the cell, control characters escaped; a personal
        // value only by its length (docs/data-protection.md).
        let personal = field.personal
        let quoted = personal ? PersonalValue.mask(text) : "\"\(ControlCharacters.quote(text))\""
        switch problem {
        case .tooLarge:
            return .error("cell-too-large", at: location,
                          "The cell in column \(column) (line \(line)) has \(raw.count) bytes; the limit is \(maxCellBytes) bytes",
                          hint: "A value this long is not a field of an activity log; check the quotes on this line. If it is meant, raise the limit with --max-cell-bytes.")
        case .type:
            if let limit = digitsBeyondLimit(text) {
                return .error("field-type", at: location, "\(quoted) in column \(column) (line \(line)) is too large: \(limit)",
                              hint: "Check the value; identifiers such as phone or ID numbers belong in a text field.")
            }
            let (what, hint) = typeExpectation(text)
            return .error("field-type", at: location, "\(quoted) in column \(column) (line \(line)) is not \(what)",
                          hint: personal ? nil : CellReading.placeholderHint(text) ?? hint)
        case .required:
            return .error("field-required", at: location, "Column \(column) (line \(line)) is empty, but a value is required")
        case .notInList(let option):
            let offending = option ?? TextNormalization.nfc(text)
            let subject = option.map { "The option \(personal ? PersonalValue.mask($0) : "\"\(ControlCharacters.quote($0))\"") in column \(column) (line \(line))" } ?? "\(quoted) in column \(column) (line \(line))"
            let hint = personal ? "Use one of the values listed, spelled exactly as in the definitions file." : DidYouMean.closest(to: offending, among: allowedTexts, .dataValue).map { "Did you mean \"\($0)\"?" }
                ?? "Use one of the values listed, spelled exactly as in the definitions file."
            return .error("field-not-in-list", at: location,
                          "\(subject) is not one of the allowed values: \(Suggestions.list(allowedTexts))", hint: hint)
        case .belowMinimum:
            return .error("field-out-of-range", at: location,
                          "\(personal ? PersonalValue.mask(value.description) : value.description) in column \(column) (line \(line)) is below the minimum \(field.min?.description ?? "")")
        case .aboveMaximum:
            return .error("field-out-of-range", at: location,
                          "\(personal ? PersonalValue.mask(value.description) : value.description) in column \(column) (line \(line)) is above the maximum \(field.max?.description ?? "")")
        case .pattern:
            return .error("field-pattern", at: location,
                          "\(quoted) in column \(column) (line \(line)) does not have the expected form (pattern \(field.pattern ?? ""))")
        }
    }

    /// For a number written with more digits before the point than logframe keeps exactly (18),
    /// what the limit is; nil for any other text.
    private func digitsBeyondLimit(_ text: String) -> String? {
        guard field.type == .integer || field.type == .number else { return nil }
        var scalars = Substring(text).unicodeScalars[...]
        if let first = scalars.first, first == "-" || first == "+" { scalars = scalars.dropFirst() }
        let whole = scalars.prefix { ("0"..."9").contains($0) }
        let rest = scalars.dropFirst(whole.count)
        let fraction = rest.first == "." && field.type == .number ? rest.dropFirst() : rest
        guard fraction.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        let significant = whole.drop { $0 == "0" }.count
        guard significant > 18 else { return nil }
        return field.type == .integer ? "whole numbers have at most 18 digits" : "numbers have at most 18 digits before the decimal point"
    }

    private func typeExpectation(_ text: String) -> (String, String?) {
        if field.type.isNumeric, let hint = CellReading.numberHint(field, text) {
            return (field.type == .integer ? "a whole number" : "a number", hint)
        }
        switch field.type {
        case .integer:
            return ("a whole number", "Write whole numbers with digits only, e.g. 42.")
        case .number:
            if text.contains(",") {
                return ("a number", "Use a point as the decimal separator and no thousands separators, e.g. 1234.5.")
            }
            return ("a number", "Write numbers with digits and a point for decimals, e.g. 1234.5.")
        case .date:
            return ("a date in the format \(field.dateFormat.description)", nil)
        case .boolean:
            return ("a yes/no value", "Use true/false, yes/no, 1/0 or bəli/xeyr.")
        default:
            return ("a \(field.type.description) value", nil)
        }
    }
}
