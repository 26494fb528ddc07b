import LogframeCore

extension SQLDialect {
    /// The text logframe gives a typed value (`Value.description`: the integer `007` is `7`,
    /// the decimal `1.50` is `1.5`, a date is ISO, a boolean `true`/`false`), as a dimension's
    /// category or a join key; nil for the text types, whose text is the value itself.
    public func valueText(_ sql: String, type: ValueType) -> String? {
        switch type {
        case .integer: return castText("CAST(\(sql) AS \(integerDecimalType))")
        case .number: return decimalText(sql)
        case .date: return castText(sql)
        case .boolean: return "CASE WHEN \(sql) THEN 'true' WHEN NOT \(sql) THEN 'false' END"
        default: return nil
        }
    }

    /// The text logframe gives an exact decimal (`ExactDecimal.description`: no exponent, no
    /// trailing zeros, `1.50` -> `1.5`, `+4.0` -> `4`, `-0.25`), as a dimension's category or a
    /// join key. Built from integer parts, not by casting the decimal to text: Spark writes a
    /// small DECIMAL(38, 10) in scientific notation (`0E-10`). Values have at most 18 digits
    /// before the point (the reader's limit), so each part fits a BIGINT.
    public func decimalText(_ x: String) -> String {
        let scale = String(repeating: "0", count: SQLDialect.decimalScale)
        let whole = "FLOOR(ABS(\(x)))"
        let fraction = "CAST(CAST((ABS(\(x)) - \(whole)) * CAST('1\(scale)' AS \(integerDecimalType)) AS BIGINT) AS \(textType))"
        return "CASE WHEN \(x) IS NOT NULL THEN concat(CASE WHEN \(x) < 0 THEN '-' ELSE '' END, CAST(CAST(\(whole) AS BIGINT) AS \(textType)), " +
            "CASE WHEN ABS(\(x)) > \(whole) THEN concat('.', \(replaceAll("lpad(\(fraction), \(SQLDialect.decimalScale), '0')", "0+$", ""))) ELSE '' END) END"
    }
}
