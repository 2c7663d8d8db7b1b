/// A way for a long computation to learn that the user asked it to stop (Ctrl-C in the shell).
///
/// Computations call `check()` at natural boundaries (a bootstrap resample, later a search
/// generation); it throws `CancellationError` once `isCancelled` answers true, so the caller's
/// state is never half-updated. `Cancellation.never` costs one closure call per check.
public struct Cancellation: Sendable {
    public let isCancelled: @Sendable () -> Bool

    public init(_ isCancelled: @escaping @Sendable () -> Bool) {
        self.isCancelled = isCancelled
    }

    public static let never = Cancellation { false }

    /// Throws `CancellationError` when the computation should stop.
    public func check() throws {
        if isCancelled() { throw CancellationError() }
    }
}
