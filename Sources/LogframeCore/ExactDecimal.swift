/// An exact decimal number: `significand / 10^scale`, with up to 18 fractional digits.
///
/// Sums of money and hours must not drift: `Double` loses the sixth significant digit when ten
/// million values are added. Addition, subtraction and multiplication are exact (multiplication
/// rounds half-to-even past 18 fractional digits); division rounds to 18 fractional digits.
///
/// Values read from data have at most 18 integer digits (`maxIntegerDigits`), so with 18
/// fractional digits every value fits the 128-bit significand. Arithmetic never traps: where a
/// result would not fit, it gives up fractional digits, and past that it is clamped to
/// `±(10^38 - 1)`. Sums over data detect overflow themselves (see the engine's accumulators).
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public private(set) var significand: Int128
    public private(set) var scale: Int

    public static let maxScale = 18
    /// Most digits before the decimal point of a value read from data: beyond, `parse` refuses.
    public static let maxIntegerDigits = 18
    public static let zero = ExactDecimal(0)
    private static let clampMagnitude: Int128 = Int128(10).power(38) - 1

    public init(_ integer: Int) {
        significand = Int128(integer)
        scale = 0
    }

    public init(significand: Int128, scale: Int) {
        self.significand = significand
        self.scale = scale
        normalize()
    }

    /// The nearest decimal to a binary floating-point value (used only for literals computed
    /// outside the decimal world, never for data).
    public init?(_ double: Double) {
        guard double.isFinite else { return nil }
        guard let parsed = ExactDecimal(parsing: "\(double)") else { return nil }
        self = parsed
    }

    /// Parses `-12`, `3.50`, `+7`, `1e3`, `2.5E-2`; nil for anything else.
    public init?(parsing text: some StringProtocol) {
        var bytes = Array(text.utf8)[...]
        guard let value = ExactDecimal.parse(&bytes) else { return nil }
        self = value
    }

    /// Parses ASCII bytes without allocating. Accepts an optional sign, digits with an optional
    /// `.` fraction, and an optional exponent. Returns nil for anything else or for overflow.
    public static func parse(_ bytes: inout ArraySlice<UInt8>) -> ExactDecimal? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var significand: Int128 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        while i < end {
            let c = bytes[i]
            if c >= 48 && c <= 57 {
                if digits >= 36 { return nil }
                significand = significand * 10 + Int128(c - 48)
                if seenPoint { scale += 1 }
                if significand != 0 || seenPoint { digits += 1 }
            } else if c == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        // At least one digit somewhere.
        let digitCount = i - bytes.startIndex - (negative || bytes[bytes.startIndex] == UInt8(ascii: "+") ? 1 : 0) - (seenPoint ? 1 : 0)
        guard digitCount > 0 else { return nil }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var exponent = 0, expDigits = 0
            while i < end, bytes[i] >= 48, bytes[i] <= 57 {
                exponent = exponent * 10 + Int(bytes[i] - 48)
                expDigits += 1
                if exponent > 60 { return nil }
                i += 1
            }
            guard expDigits > 0 else { return nil }
            if expNegative {
                scale += exponent
            } else {
                scale -= exponent
            }
        }
        guard i == end else { return nil }
        if scale < 0 {
            for _ in 0 ..< -scale {
                let (m, o) = significand.multipliedReportingOverflow(by: 10)
                if o || m > ExactDecimal.limit { return nil }
                significand = m
            }
            scale = 0
        }
        if negative { significand = -significand }
        var result = ExactDecimal(unnormalized: significand, scale: scale)
        if result.scale > maxScale { result.round(toScale: maxScale) }
        result.normalize()
        // At most 18 digits before the point (a larger "amount" is a typo, not data).
        guard result.significand.magnitude < UInt128(Int128(10).power(maxIntegerDigits + result.scale)) else { return nil }
        return result
    }

    private init(unnormalized significand: Int128, scale: Int) {
        self.significand = significand
        self.scale = scale
    }

    /// Largest significand we keep, so that aligning two scales never overflows.
    static let limit: Int128 = Int128(10).power(37)

    private mutating func normalize() {
        while scale > 0, significand % 10 == 0 {
            significand /= 10
            scale -= 1
        }
        if significand == 0 { scale = 0 }
    }

    private mutating func round(toScale target: Int) {
        guard scale > target else { return }
        let divisor = Int128(10).power(scale - target)
        var quotient = significand / divisor
        let remainder = significand % divisor
        let twice = remainder.magnitude * 2
        if twice > divisor.magnitude || (twice == divisor.magnitude && quotient % 2 != 0) {
            quotient += significand < 0 ? -1 : 1
        }
        significand = quotient
        scale = target
    }

    /// Both significands at one scale: the larger scale when that fits, else fewer fractional
    /// digits (the finer operand rounded), never an overflow.
    private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int) {
        var scale = max(a.scale, b.scale)
        while true {
            if let x = a.significand(atScale: scale), let y = b.significand(atScale: scale) { return (x, y, scale) }
            scale -= 1
        }
    }

    /// This value's significand at another scale (rounded when the scale is smaller); nil when
    /// it would not fit.
    private func significand(atScale target: Int) -> Int128? {
        if target >= scale {
            let (m, overflow) = significand.multipliedReportingOverflow(by: Int128(10).power(target - scale))
            return overflow ? nil : m
        }
        var copy = self
        copy.round(toScale: target)
        return copy.significand
    }

    /// The sum or difference of two significands at one scale, giving up fractional digits when
    /// it would not fit and clamping when even whole numbers do not.
    private static func combine(_ a: ExactDecimal, _ b: ExactDecimal, subtract: Bool) -> ExactDecimal {
        var (x, y, s) = aligned(a, b)
        while true {
            let (r, overflow) = subtract ? x.subtractingReportingOverflow(y) : x.addingReportingOverflow(y)
            if !overflow && (r.magnitude <= clampMagnitude.magnitude || s == 0) { return ExactDecimal(significand: clamp(r), scale: s) }
            if s == 0 {
                let positive = subtract ? x > y : x > 0
                return ExactDecimal(significand: positive ? clampMagnitude : -clampMagnitude, scale: 0)
            }
            s -= 1
            (x, y, _) = aligned(ExactDecimal(unnormalized: x, scale: s + 1).rounded(toScale: s), ExactDecimal(unnormalized: y, scale: s + 1).rounded(toScale: s))
        }
    }

    private static func clamp(_ value: Int128) -> Int128 {
        min(max(value, -clampMagnitude), clampMagnitude)
    }

    private func rounded(toScale target: Int) -> ExactDecimal {
        var copy = self
        copy.round(toScale: target)
        return copy
    }

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        combine(a, b, subtract: false)
    }

    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        combine(a, b, subtract: true)
    }

    public static prefix func - (a: ExactDecimal) -> ExactDecimal {
        ExactDecimal(unnormalized: -a.significand, scale: a.scale)
    }

    public static func += (a: inout ExactDecimal, b: ExactDecimal) { a = a + b }

    public static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        var x = a, y = b
        while true {
            let (product, overflow) = x.significand.multipliedReportingOverflow(by: y.significand)
            if !overflow && (product.magnitude <= clampMagnitude.magnitude || (x.scale == 0 && y.scale == 0)) {
                var result = ExactDecimal(unnormalized: clamp(product), scale: x.scale + y.scale)
                result.round(toScale: maxScale)
                result.normalize()
                return result
            }
            // Give up a fractional digit of the finer operand; at whole numbers, clamp.
            if x.scale == 0 && y.scale == 0 {
                let positive = (x.significand > 0) == (y.significand > 0)
                return ExactDecimal(significand: positive ? clampMagnitude : -clampMagnitude, scale: 0)
            }
            if x.scale >= y.scale { x.round(toScale: x.scale - 1) } else { y.round(toScale: y.scale - 1) }
        }
    }

    /// Quotient rounded half-to-even to 18 fractional digits; nil when dividing by zero.
    public static func / (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal? {
        guard b.significand != 0 else { return nil }
        // a/b = (sa / 10^as) / (sb / 10^bs) = sa * 10^(bs - as) / sb. Compute with 19 extra
        // digits of headroom, then round once.
        let targetScale = maxScale + 1
        var numerator = a.significand
        var shift = targetScale + b.scale - a.scale
        var denominator = b.significand
        while shift < 0 {
            let (d, overflow) = denominator.multipliedReportingOverflow(by: 10)
            if overflow { return .zero }  // the quotient is below 10^-18
            denominator = d
            shift += 1
        }
        // Scale the numerator up as far as needed without overflow.
        while shift > 0 {
            let (m, o) = numerator.multipliedReportingOverflow(by: 10)
            if o { break }
            numerator = m
            shift -= 1
        }
        while shift > 0 { denominator /= 10; shift -= 1; if denominator == 0 { return nil } }
        var result = ExactDecimal(unnormalized: numerator / denominator, scale: targetScale)
        // Keep the remainder's information for correct rounding of halves.
        let remainder = numerator % denominator
        if remainder != 0, result.significand % 10 == 5 || result.significand % 10 == -5 {
            // A truncated ...5 with a non-zero remainder is past the half: nudge it away from zero.
            result.significand += result.significand > 0 ? 1 : -1
        }
        result.round(toScale: maxScale)
        result.normalize()
        return result
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x < y
    }

    public var isZero: Bool { significand == 0 }
    public var isInteger: Bool { scale == 0 }

    public var doubleValue: Double {
        Double(significand) / pow10(scale)
    }

    private func pow10(_ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= 10 }
        return result
    }

    /// Integer part if this is an integer that fits `Int`.
    public var intValue: Int? {
        guard scale == 0, significand >= Int128(Int.min), significand <= Int128(Int.max) else { return nil }
        return Int(significand)
    }

    /// Exact decimal text, no exponent, no trailing zeros: `12`, `-0.5`, `69.875`. Valid JSON.
    public var description: String {
        let negative = significand < 0
        var digits = String(significand.magnitude)
        if scale > 0 {
            if digits.count <= scale {
                digits = String(repeating: "0", count: scale - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Rounded half away from zero to `decimals` fractional digits, for display.
    public func rounded(decimals: Int) -> ExactDecimal {
        guard scale > decimals else { return self }
        let divisor = Int128(10).power(scale - decimals)
        var quotient = significand / divisor
        let remainder = significand % divisor
        if remainder.magnitude * 2 >= divisor.magnitude { quotient += significand < 0 ? -1 : 1 }
        return ExactDecimal(significand: quotient, scale: decimals)
    }

    /// Fixed-point text with exactly `decimals` fractional digits, rounded half away from zero.
    public func formatted(decimals: Int, groupingSeparator: String = "", decimalSeparator: String = ".") -> String {
        let r = rounded(decimals: decimals)
        let negative = r.significand < 0
        var digits = String(r.significand.magnitude)
        let padScale = decimals
        let scaled = digits + String(repeating: "0", count: padScale - r.scale)
        digits = scaled
        if digits.count <= padScale { digits = String(repeating: "0", count: padScale - digits.count + 1) + digits }
        let integerPart = String(digits.dropLast(padScale))
        let fraction = String(digits.suffix(padScale))
        var grouped = ""
        if groupingSeparator.isEmpty {
            grouped = integerPart
        } else {
            for (i, ch) in integerPart.enumerated() {
                if i > 0, (integerPart.count - i) % 3 == 0 { grouped += groupingSeparator }
                grouped.append(ch)
            }
        }
        let body = padScale > 0 ? grouped + decimalSeparator + fraction : grouped
        return negative && r.significand != 0 ? "-" + body : body
    }
}

extension Int128 {
    func power(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= self }
        return result
    }
}
