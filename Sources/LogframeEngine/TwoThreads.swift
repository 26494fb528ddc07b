import Dispatch

/// Runs `body(0)` and `body(1)`: at once on two threads when `parallel`, else one after the other
/// on this thread. The two calls must not depend on each other's order.
func onTwoThreads(_ parallel: Bool, _ body: @Sendable (Int) -> Void) {
    guard parallel else {
        body(0)
        body(1)
        return
    }
    DispatchQueue.concurrentPerform(iterations: 2, execute: body)
}
