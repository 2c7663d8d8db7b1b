import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

/// Progress reaches observers on the session's thread, whichever thread the Kit reports from.
@Suite("progress on the session's thread")
struct ProgressRelayTests {
    final class Recorder: SessionObserver {
        var events: [(label: String, done: Int, onOwner: Bool)] = []
        let owner = pthread_self()
        func receive(_ event: SessionEvent, from session: Session) {
            if case .progress(let p) = event { events.append((p.label, p.done, pthread_equal(pthread_self(), owner) != 0)) }
        }
    }

    @Test func aWorkersReportWaitsForTheSessionsThread() throws {
        let (s, _) = try makeSession()
        let r = Recorder()
        s.subscribe(r)
        let context = s.computeContext
        // A report from another thread is held...
        let worker = Thread { context.progress(ComputeProgress(label: "w", done: 3, total: 10)) }
        worker.start()
        while !worker.isFinished { usleep(1000) }
        #expect(r.events.isEmpty)
        // ...until the session's thread checks for Ctrl-C (or reports itself).
        _ = context.isCancelled
        #expect(r.events.map(\.label) == ["w"] && r.events.allSatisfy(\.onOwner))
        context.progress(ComputeProgress(label: "s", done: 5, total: 10))
        #expect(r.events.map(\.done) == [3, 5] && r.events.allSatisfy(\.onOwner))
    }

    /// A real parallel computation (a Kendall matrix over many devices) reports on the session's thread only.
    @Test func aParallelCommandReportsOnTheSessionsThread() throws {
        let (s, sink) = try makeSession()
        let r = Recorder()
        s.subscribe(r)
        #expect(s.run(source: "d = load help-nb201; m = kendall d", origin: "t"), "\(sink.stderr)")
        let allOnOwner = r.events.allSatisfy { $0.onOwner }
        #expect(allOnOwner && !r.events.isEmpty, "\(r.events.count) progress events")
    }
}
