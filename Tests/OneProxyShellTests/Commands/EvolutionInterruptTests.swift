import Foundation
import Testing
@testable import OneProxyShell

/// Ctrl-C during an evolution keeps the best found so far once there is one, and says exactly
/// what was kept; before there is one it says that nothing was evaluated. Ctrl-C between
/// statements says which did not run. (The k-th check for Ctrl-C answers yes: no timing.)
@Suite("Ctrl-C and the evolution")
struct EvolutionInterruptTests {
    final class Countdown: @unchecked Sendable {
        let lock = NSLock()
        var calls = 0
        let at: Int
        init(at: Int) { self.at = at }
        func check() -> Bool { lock.lock(); defer { lock.unlock() }; calls += 1; return calls >= at }
    }

    func search(cancelledAt k: Int) throws -> (Session, BufferSink, Bool) {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201", origin: "t"))
        let c = Countdown(at: k)
        s.isCancelled = { c.check() }
        let ok = s.run(source: "e = search d acc=cifar10 lat=eagle_gtx max=6ms method=evolution generations=20000 evaluations=off", origin: "t")
        return (s, sink, ok)
    }

    /// The statement's first check (before the search starts): it did not run, and says so.
    @Test func ctrlCBetweenStatementsSaysWhatDidNotRun() throws {
        let (s, sink) = try makeSession()
        s.isCancelled = { true }
        #expect(!s.run(source: "x = sample [1]; y = sample [2]; z = sample [3]", origin: "t"))
        #expect(sink.stderr.hasPrefix("t:1:5: error: interrupted: this statement and the 2 after it did not run"), "\(sink.stderr)")
        #expect(s.failures == 1)
        #expect(s.value(of: "x") == nil)
    }

    /// After a statement Ctrl-C stopped (its error says so), the rest is skipped without a second error.
    @Test func afterAnInterruptedStatementTheRestIsSkippedQuietly() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201", origin: "t"))
        let c = Countdown(at: 2)
        s.isCancelled = { c.check() }
        #expect(!s.run(source: "e = search d acc=cifar10 lat=eagle_gtx max=6ms method=evolution evaluations=off; x = sample [1]", origin: "t"))
        #expect(sink.stderr.components(separatedBy: "error:").count == 2, "\(sink.stderr)")
        #expect(!sink.stderr.contains("did not run"))
        #expect(s.value(of: "x") == nil)
    }

    /// Ctrl-C before the evolution evaluated any architecture: nothing is kept, and the error says
    /// why (the README promises the best so far only once there is one).
    @Test func beforeAnyEvaluationNothingIsKeptAndItSaysWhy() throws {
        let (s, sink, ok) = try search(cancelledAt: 2)
        #expect(!ok)
        #expect(sink.stderr.contains("t:1:5: error: interrupted: search stopped before the evolution evaluated any architecture"), "\(sink.stderr)")
        #expect(sink.stderr.contains("nothing was changed"))
        #expect(s.value(of: "e") == nil)
    }

    /// Ctrl-C once one architecture was evaluated: e holds the best so far, and the warning says
    /// how many were evaluated and what the best is.
    @Test func afterTheFirstEvaluationTheBestSoFarIsKeptAndNamed() throws {
        for k in [3, 50] {
            let (s, sink, ok) = try search(cancelledAt: k)
            #expect(ok)
            let e = try #require(s.value(of: "e") as? SearchValue)
            let r = try #require(e.evolution)
            #expect(r.stopped && r.evaluations >= 1)
            #expect(sink.stderr.contains("warning: stopped after \(r.generations) of 20000 generations: the result is the best found so far, of \(r.evaluations) architectures evaluated (\(String(format: "%.2f", r.accuracy)) at \(formatMs(r.latency)))"), "\(sink.stderr)")
            #expect(!sink.stderr.contains("nothing was changed"))
        }
    }
}
