import Foundation
import Testing

extension Tag {
    /// A test that takes seconds in a debug build (a whole-space fit, many proxies, a subprocess, a
    /// browser). `swift test` runs them; `swift test --skip <suite or test>` or Xcode's tag filter
    /// leaves them out. Their sizes are trimmed to what the check needs; ONEPROXY_HEAVY=1 runs the
    /// full-size version where one exists.
    @Tag static var heavy: Self
}

/// ONEPROXY_HEAVY=1: the heavy tests run at full size (more seeds, the full example statements).
let heavyRuns = ProcessInfo.processInfo.environment["ONEPROXY_HEAVY"] == "1"
