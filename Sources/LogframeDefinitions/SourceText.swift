import Yams

/// The definitions text as Unicode scalars with line starts, to turn a byte offset inside a
/// scalar's *value* (what the expression parser saw) back into a line and column of the file.
struct SourceText {
    let scalars: [Unicode.Scalar]
    /// Index into `scalars` of the first character of each line.
    let lineStarts: [Int]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        lineStarts = starts
    }

    func index(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        return min(lineStarts[line - 1] + column - 1, scalars.count)
    }

    func position(of index: Int) -> (line: Int, column: Int) {
        let i = max(0, min(index, scalars.count))
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= i { low = mid } else { high = mid - 1 }
        }
        return (low + 1, i - lineStarts[low] + 1)
    }

    private static func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" }
    private static func isWhite(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }

    /// Maps the UTF-8 byte `offset` inside `value` (the scalar's content after YAML processing)
    /// to the 1-based line and column in the file of the character that produced it. `line` and
    /// `column` are the scalar's mark (its first character, opening quote or block indicator).
    /// Handles plain, single- and double-quoted (escapes, `''`) and block (`|`, `>`) scalars,
    /// including line folding. Offsets at the end map just past the last character.
    func position(ofValueOffset offset: Int, value: String, style: Node.Scalar.Style, line: Int, column: Int) -> (Int, Int)? {
        guard var si = index(line: line, column: column) else { return nil }
        let valueScalars = Array(value.unicodeScalars)
        // Target: the value scalar containing byte `offset`.
        var target = 0, bytes = 0
        while target < valueScalars.count, bytes + UTF8.width(valueScalars[target]) <= max(0, offset) {
            bytes += UTF8.width(valueScalars[target])
            target += 1
        }
        let n = scalars.count
        let isBlock = style == .literal || style == .folded
        var indent = 0
        switch style {
        case .singleQuoted, .doubleQuoted:
            si += 1
        case .literal, .folded:
            while si < n, scalars[si] != "\n" { si += 1 }
            si += 1
            // The content indentation: leading spaces of the first non-blank line.
            var probe = si
            while probe < n {
                var spaces = 0
                while probe + spaces < n, scalars[probe + spaces] == " " { spaces += 1 }
                let next = probe + spaces
                if next < n, scalars[next] != "\n", scalars[next] != "\r" { indent = spaces; break }
                probe = next
                while probe < n, scalars[probe] != "\n" { probe += 1 }
                probe += 1
            }
        default:
            break
        }
        var atLineStart = isBlock
        var vi = 0
        func skipIndent() {
            if atLineStart {
                var k = 0
                while k < indent, si < n, scalars[si] == " " { si += 1; k += 1 }
                atLineStart = false
            }
        }
        while vi < target, si < n {
            skipIndent()
            guard si < n else { break }
            let vc = valueScalars[vi]
            let sc = scalars[si]
            if style == .doubleQuoted, sc == "\\" {
                let next = si + 1 < n ? scalars[si + 1] : " "
                if next == "\n" || next == "\r" {
                    si += 1
                    while si < n, SourceText.isWhite(scalars[si]) { si += 1 }
                    continue
                }
                switch next {
                case "x": si += 4
                case "u": si += 6
                case "U": si += 10
                default: si += 2
                }
                vi += 1
                continue
            }
            if style == .singleQuoted, sc == "'", si + 1 < n, scalars[si + 1] == "'" {
                si += 2
                vi += 1
                continue
            }
            if style == .literal {
                if vc == "\n" {
                    while si < n, scalars[si] != "\n" { si += 1 }
                    si += 1
                    atLineStart = true
                } else {
                    si += 1
                }
                vi += 1
                continue
            }
            if SourceText.isWhite(vc), SourceText.isWhite(sc) {
                var vj = vi
                while vj < valueScalars.count, SourceText.isWhite(valueScalars[vj]) { vj += 1 }
                if target < vj { break }
                vi = vj
                while si < n, SourceText.isWhite(scalars[si]) { si += 1 }
                continue
            }
            si += 1
            vi += 1
        }
        skipIndent()
        return position(of: si)
    }
}
