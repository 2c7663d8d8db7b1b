/// How the session shows its results; `set` changes these, and saved scripts keep the changes.
public struct Settings: Sendable, Equatable {
    public var format: OutputFormat = .table
    public var color: Bool = false
    public var echo: Bool = false
    public var bail: Bool = false
    /// The width drawings fit in when the output is not a terminal, or when `set width=` fixed it.
    public var width: Int = 100
    /// True once `set width=N` chose the width: the terminal's own width no longer applies.
    public var widthFixed: Bool = false

    public init(format: OutputFormat = .table, color: Bool = false, echo: Bool = false, bail: Bool = false, width: Int = 100) {
        self.format = format
        self.color = color
        self.echo = echo
        self.bail = bail
        self.width = width
    }
}

/// Where a session writes: results to `out`, diagnostics and warnings to `err`.
public protocol OutputSink: AnyObject {
    func out(_ text: String)
    func err(_ text: String)
}

/// An output sink that keeps everything in memory (tests, notebook export).
public final class BufferSink: OutputSink {
    public private(set) var stdout = ""
    public private(set) var stderr = ""
    public init() {}
    public func out(_ text: String) { stdout += text }
    public func err(_ text: String) { stderr += text }
}
