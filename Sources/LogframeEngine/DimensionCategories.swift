import LogframeCore
import LogframeDefinitions

/// The categories of one dimension, each with a small dense index assigned on first sight.
///
/// Indices never change during the pass; which categories an indicator shows, and in what
/// order, is decided once at the end (`Figures.categoryOrder`, Finalize.swift), so the pass never re-sorts.
final class DimensionCategories {
    let definition: DimensionDefinition
    private(set) var keys: [String] = []
    private var indexByKey: [String: Int32] = [:]
    private var indexByValue: [Value: Int32] = [:]
    /// Index of the "not recorded" category (a missing value).
    static let notRecorded: Int32 = 0

    init(definition: DimensionDefinition) {
        self.definition = definition
        keys.append("")  // slot 0 is "not recorded"
    }

    /// Most categories a dimension can have: cells are keyed by 16-bit category numbers (and a key
    /// of all ones would be the slot tables' empty marker). Past it, every further category falls
    /// in `tooMany` and the dimension's breakdowns are withheld with an error, never miscounted.
    static let limit = 0xFFF0
    static let tooMany = Int32(limit)
    private(set) var overflowed = false

    /// Records that another accumulator's copy of this dimension overflowed (`RowAccumulator.absorb`).
    func markOverflowed() { overflowed = true }

    func index(of key: String) -> Int32 {
        if let index = indexByKey[key] { return index }
        guard keys.count < DimensionCategories.limit else {
            overflowed = true
            return DimensionCategories.tooMany
        }
        let index = Int32(keys.count)
        indexByKey[key] = index
        keys.append(key)
        return index
    }

    /// Index of a row's value, cached by value so the text key is built once per distinct value.
    @inline(__always)
    func index(of value: Value) -> Int32 {
        if let index = indexByValue[value] { return index }
        let index = DimensionCategories.key(of: value).map { self.index(of: $0) } ?? DimensionCategories.notRecorded
        indexByValue[value] = index
        return index
    }

    func key(at index: Int32) -> String? {
        index == DimensionCategories.notRecorded || Int(index) >= keys.count ? nil : keys[Int(index)]
    }

    func label(at index: Int32) -> LocalizedText {
        guard let key = key(at: index) else {
            return LocalizedText(values: ["en": "not recorded", "az": "qeyd edilməyib"])
        }
        if let label = definition.labels.first(where: { $0.key == key })?.label { return label }
        return LocalizedText(key)
    }

    /// The category key of a value, as text: `F`, `true`, `12.5`, `2021-03-31`.
    static func key(of value: Value) -> String? {
        switch value {
        case .null: return nil
        case .text(let s): return s.isEmpty ? nil : s
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .date(let d): return d.description
        case .choices(let c): return c.isEmpty ? nil : c.joined(separator: " ")
        case .list(let l): return l.map(\.description).joined(separator: ", ")
        }
    }
}

/// Which band a value falls in, given the bands' lower bounds (`[18, 60]`: below 18 is band
/// 0, 18 up to 60 band 1, 60 and over band 2). Band names come from the definitions loader.
enum Bands {
    static func band(of value: ExactDecimal, bounds: [ExactDecimal]) -> Int {
        var band = 0
        for bound in bounds {
            if value >= bound { band += 1 } else { break }
        }
        return band
    }
}
