/// How far a long computation has come: `done` of `total` steps of the work named by `label`.
public struct ComputeProgress: Sendable, Equatable {
    /// What is being computed, e.g. `evolution`.
    public var label: String
    public var done: Int
    public var total: Int

    public init(label: String, done: Int, total: Int) {
        self.label = label
        self.done = done
        self.total = total
    }

    /// `done / total` in [0, 1] (1 when `total` is 0).
    public var fraction: Double { total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1 }
}

/// What a long routine needs from its caller: a way to learn it should stop, and a place to say how
/// far it has come (DESIGN.md section 4).
///
/// Routines taking a context call `cancellation.check()` (or `isCancelled`) in their inner loops
/// and report progress in steps, at most about 100 reports per run (`ProgressReporter`), so a
/// terminal progress bar costs nothing measurable.
public struct ComputeContext: Sendable {
    public var cancellation: Cancellation
    public var progress: @Sendable (ComputeProgress) -> Void

    public init(cancellation: Cancellation = .never, progress: @escaping @Sendable (ComputeProgress) -> Void = { _ in }) {
        self.cancellation = cancellation
        self.progress = progress
    }

    /// Never cancelled, reports nowhere.
    public static let none = ComputeContext()

    /// Throws `CancellationError` when the computation should stop.
    public func check() throws { try cancellation.check() }

    /// Whether the computation should stop (for the few routines that stop without throwing).
    public var isCancelled: Bool { cancellation.isCancelled() }

    /// A reporter for `total` steps of the work `label`, reporting at most `maxReports` times.
    public func reporter(_ label: String, total: Int, maxReports: Int = 100) -> ProgressReporter {
        ProgressReporter(label: label, total: total, maxReports: maxReports, sink: progress)
    }
}

/// Reports progress in steps: `advance(to:)` forwards to the context only when `done` reaches the
/// next of at most `maxReports` evenly spaced marks (and always at `total`).
public struct ProgressReporter: Sendable {
    public let label: String
    public let total: Int
    private let step: Int
    private var next: Int
    private let sink: @Sendable (ComputeProgress) -> Void

    init(label: String, total: Int, maxReports: Int, sink: @escaping @Sendable (ComputeProgress) -> Void) {
        self.label = label
        self.total = max(0, total)
        self.step = max(1, (max(0, total) + max(1, maxReports) - 1) / max(1, maxReports))
        self.next = min(step, max(0, total))
        self.sink = sink
    }

    /// Says that `done` steps are finished; reports when a mark is reached.
    public mutating func advance(to done: Int) {
        guard done >= next, next <= total, total > 0 else { return }
        sink(ComputeProgress(label: label, done: min(done, total), total: total))
        next = done >= total ? total + 1 : min(total, (done / step + 1) * step)
    }
}
