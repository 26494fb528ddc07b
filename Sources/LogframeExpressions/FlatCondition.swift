import LogframeCore

/// A filter that is a conjunction of `field op literal` tests and boolean fields (`service ==
/// "legal" and age < 18`, `disability`): the shape of nearly every `where`, evaluated by a loop
/// over plain terms instead of a walk over the expression tree.
///
/// The tree walk retained and released each node it visited; for the row loop, which evaluates
/// every distinct filter of a source on every row, that was a large share of the time. The
/// answer is `RowExpression.matches`'s: true only when every term is true (a null makes a
/// comparison false, as in the three-valued `and`).
public struct FlatCondition: @unchecked Sendable {  // immutable; the terms are never written after init
    enum Term: Sendable {
        case compare(ComparisonOperator, slot: Int, literal: Value)
        case isTrue(slot: Int)
    }

    /// Owns the terms; `terms` points into it so the row loop reads them without retaining it.
    private final class Storage: @unchecked Sendable {  // immutable after init
        let terms: UnsafeMutableBufferPointer<Term>
        let count: Int
        init(_ terms: [Term]) {
            count = terms.count
            self.terms = .allocate(capacity: max(1, terms.count))
            _ = self.terms.initialize(from: terms)
        }
        deinit {
            terms.baseAddress!.deinitialize(count: count)
            terms.deallocate()
        }
    }

    private let storage: Storage
    private let terms: UnsafeMutableBufferPointer<Term>
    private let count: Int

    /// Nil when the expression has another shape (it is then evaluated as a tree).
    public init?(_ expression: RowExpression) {
        var terms: [Term] = []
        func flatten(_ node: Node) -> Bool {
            switch node {
            case .and(let a, let b): return flatten(a) && flatten(b)
            case .compareSlot(let op, let slot, let literal): terms.append(.compare(op, slot: slot, literal: literal)); return true
            case .slot(let slot):
                // A bare field in a condition is a boolean field (the binder checked).
                terms.append(.isTrue(slot: slot)); return true
            default: return false
            }
        }
        guard flatten(expression.node) else { return nil }
        count = terms.count
        storage = Storage(terms)
        self.terms = storage.terms
    }

    /// Whether the row passes.
    @inline(__always)
    public func matches(_ row: [Value]) -> Bool {
        FlatCondition.matches(row, terms, count)
    }

    /// The terms without their owner, for a loop that keeps this condition alive itself: a copy
    /// of a `FlatCondition` retains its storage (one atomic increment and decrement per filter
    /// test when it is taken out of a buffer), a copy of a `Borrowed` is two plain words.
    public struct Borrowed: @unchecked Sendable {  // points into a FlatCondition's immutable storage
        fileprivate let terms: UnsafeMutableBufferPointer<Term>
        fileprivate let count: Int

        /// Whether the row passes; valid while the `FlatCondition` it came from is alive.
        @inline(__always)
        public func matches(_ row: [Value]) -> Bool {
            FlatCondition.matches(row, terms, count)
        }
    }

    /// This condition's terms, borrowed (see `Borrowed`).
    public var borrowed: Borrowed { Borrowed(terms: terms, count: count) }

    @inline(__always)
    private static func matches(_ row: [Value], _ terms: UnsafeMutableBufferPointer<Term>, _ count: Int) -> Bool {
        row.withUnsafeBufferPointer { values in
            for i in 0..<count {
                switch terms[i] {
                case .compare(let op, let slot, let literal):
                    if !NullSemantics.compare(op, values[slot], literal) { return false }
                case .isTrue(let slot):
                    guard case .bool(true) = values[slot] else { return false }
                }
            }
            return true
        }
    }
}
