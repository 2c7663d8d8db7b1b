import Testing
@testable import OneProxyKit

/// Log axes keep enough ticks to read: narrow ranges take every integer multiple.
@Suite("log-axis ticks")
struct LogTicksTests {
    @Test func narrowRangesGetIntegerMultiples() {
        #expect(niceTicks(8...14, scale: .log) == [8, 9, 10])
        #expect(niceTicks(3...9, scale: .log) == [3, 4, 5, 6, 7, 8, 9])
        #expect(niceTicks(45...95, scale: .log) == [50, 60, 70, 80, 90])
        // Wider ranges keep 1, 2, 5.
        #expect(niceTicks(1...20, scale: .log) == [1, 2, 5, 10, 20])
        #expect(niceTicks(0.3...40, scale: .log) == [0.5, 1, 2, 5, 10, 20])
    }
}
