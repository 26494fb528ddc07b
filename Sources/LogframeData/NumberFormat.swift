import LogframeCore
import LogframeDefinitions

/// What a field reads beyond its type: `missing` texts (null) and, for `integer` and `number`
/// fields, the data's thousands separator and decimal mark. Made once per field; nil when
/// neither applies, and then the decoder's per-cell path is exactly the plain one.
final class CellReading {
    /// `missing` texts as bytes (NFC, trimmed); the empty text is already null and left out.
    let missing: [[UInt8]]
    let numberFormat: NumberFormat?
    /// The normalised number of the current cell (digits, `-`/`+`, one `.`, exponent).
    fileprivate var buffer: [UInt8] = []

    init?(_ field: FieldDefinition) {
        missing = field.missing.filter { !$0.isEmpty }.map { Array($0.utf8) }
        numberFormat = field.type.isNumeric ? field.numberFormat : nil
        if missing.isEmpty && numberFormat == nil { return nil }
        buffer.reserveCapacity(32)
    }

    @inline(__always)
    func isMissing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for marker in missing where marker.count == bytes.count {
            if marker.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return true }
        }
        return false
    }

    /// The cell rewritten as a plain number (`80 418` -> `80418`, `1.234,5` -> `1234.5`), or nil
    /// when it does not follow the format: a thousands separator other than between groups of
    /// three digits (`1 23`, `12,34`), a second decimal mark, or any other character.
    func normalize(_ b: UnsafeBufferPointer<UInt8>, _ format: NumberFormat) -> Bool {
        buffer.removeAll(keepingCapacity: true)
        let decimal: UInt8 = format.decimal == .comma ? UInt8(ascii: ",") : UInt8(ascii: ".")
        var i = 0
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
            buffer.append(b[0])
            i = 1
        }
        var group = 0
        var grouped = false
        var digits = 0
        while i < b.count {
            let c = b[i]
            if c &- 48 <= 9 {
                buffer.append(c)
                group += 1
                digits += 1
                i += 1
            } else if let thousands = format.thousands, let width = CellReading.separatorWidth(thousands, b, i) {
                // Groups of three after the first (of one to three digits).
                guard group > 0, grouped ? group == 3 : group <= 3 else { return false }
                grouped = true
                group = 0
                i += width
            } else {
                break
            }
        }
        // No whole part only before a decimal mark (`,5` as `.5` is read without a format).
        guard digits > 0 || (i < b.count && b[i] == decimal), !grouped || group == 3 else { return false }
        if i < b.count, b[i] == decimal {
            buffer.append(UInt8(ascii: "."))
            i += 1
        }
        // The fraction and an exponent go on as written; the plain parser checks them.
        while i < b.count {
            let c = b[i]
            guard c &- 48 <= 9 || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") else {
                return false
            }
            buffer.append(c)
            i += 1
        }
        return true
    }

    /// Bytes taken by a thousands separator at `i`, or nil. `space` is a space, a no-break space
    /// (U+00A0) or a narrow no-break space (U+202F); `apostrophe` is `'` or `’` (U+2019).
    @inline(__always)
    static func separatorWidth(_ separator: NumberFormat.Separator, _ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let c = b[i]
        switch separator {
        case .comma: return c == UInt8(ascii: ",") ? 1 : nil
        case .dot: return c == UInt8(ascii: ".") ? 1 : nil
        case .space:
            if c == 0x20 { return 1 }
            if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xA0 { return 2 }
            if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xAF { return 3 }
            return nil
        case .apostrophe:
            if c == UInt8(ascii: "'") { return 1 }
            if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0x99 { return 3 }
            return nil
        }
    }

    /// The hint of a type error in a numeric field: the format it was read with, or, without
    /// one, the key that would read a number written with separators.
    static func numberHint(_ field: FieldDefinition, _ text: String) -> String? {
        if let format = field.numberFormat {
            let thousands = format.thousands.map { "thousands separated by \(describe($0))" } ?? "no thousands separator"
            let mark = format.decimal == .comma ? "a comma" : "a point"
            return field.type == .integer
                ? "This field is read with \(thousands), e.g. \(format.example.split(separator: Character(NumberFormat.symbol(format.decimal))).first ?? "")."
                : "This field is read with \(thousands) and \(mark) for decimals, e.g. \(format.example)."
        }
        let scalars = Array(text.unicodeScalars)
        func digit(_ i: Int) -> Bool { ("0"..."9").contains(scalars[i]) }
        guard scalars.count > 4 else { return nil }
        // A separator with a digit before it and three after it: `80 418`, `1,250`.
        for index in 1..<(scalars.count - 3) where digit(index - 1) && digit(index + 1) && digit(index + 2) && digit(index + 3) {
            switch scalars[index] {
            case " ", "\u{00A0}", "\u{202F}":
                return "The number seems to have a space between thousands (\(text)); add `thousands: space` to the field or its source to read it."
            case ",":
                return field.type == .integer
                    ? "The number seems to have a comma between thousands (\(text)); add `thousands: \",\"` to the field or its source to read it."
                    : "Use a point as the decimal separator and no thousands separators, e.g. 1234.5; or say how the data writes numbers with `thousands: \",\"` or `decimal: \",\"`."
            case ".":
                return field.type == .integer
                    ? "The number seems to have a dot between thousands (\(text)); add `thousands: \".\"` and `decimal: \",\"` to the field or its source to read it."
                    : nil
            default:
                continue
            }
        }
        return nil
    }

    /// The hint of a type error on a text that usually stands for "no value" (`-`, `n/a`, `NaN`,
    /// Excel's `#N/A`): the `missing` key that reads it so.
    static func placeholderHint(_ text: String) -> String? {
        let placeholders: Set<String> = ["-", "--", "\u{2013}", "\u{2014}", "_", ".", "..", "...", "?", "n/a", "na", "nan", "null",
                                         "none", "nil", "#n/a", "n.a.", "missing"]
        guard placeholders.contains(text.lowercased()) else { return nil }
        return "If \"\(text)\" means no value here, add `missing: [\"\(text)\"]` to the field or its source."
    }

    private static func describe(_ separator: NumberFormat.Separator) -> String {
        switch separator {
        case .space: return "a space"
        case .comma: return "a comma"
        case .dot: return "a dot"
        case .apostrophe: return "an apostrophe"
        }
    }
}

extension FieldDecoder {
    /// A cell of a field with `missing`, `thousands` or `decimal`: a missing text is null (or a
    /// `required` problem); a number is rewritten plainly; then the type's own decoding.
    @inline(never)
    func decodeAdjusted(_ bytes: UnsafeBufferPointer<UInt8>) -> (Value, FieldProblem?) {
        guard let reading else { return decode(trimmed: bytes, plainMode) }
        if reading.isMissing(bytes) { return (.null, field.required ? .required : nil) }
        guard let format = reading.numberFormat else { return decode(trimmed: bytes, plainMode) }
        guard reading.normalize(bytes, format) else { return (.null, .type) }
        return reading.buffer.withUnsafeBufferPointer { decode(trimmed: $0, plainMode) }
    }
}
