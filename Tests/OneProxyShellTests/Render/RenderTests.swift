import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("Rendering")
struct RenderTests {
    let matrix = CorrelationMatrix(
        names: ["alpha", "beta", "gamma"],
        values: [[1, 0.92, 0.5], [0.92, 1, nil], [0.5, nil, 1]],
        counts: [[10, 10, 10], [10, 10, 2], [10, 2, 10]],
        method: .spearman)

    @Test func heatmapPlainMarksStrongPairsAndUndefined() {
        let v = MatrixCorrelationValue(dataset: "toy", matrix: matrix, order: [0, 1, 2], asHeatmap: true)
        let lines = renderValue(v, format: .table, width: 100).split(separator: "\n").map(String.init)
        #expect(lines[2] == "1 alpha 1.00   .92*  .50")
        #expect(lines[3] == "2 beta   .92* 1.00    --")
        #expect(lines.contains("legend: * marks SRCC >= 0.9: strong monotonicity; -- undefined"))
        #expect(lines.last == "1 of 3 pairs >= 0.9; weakest alpha–gamma 0.500; 1 undefined")
        #expect(lines[0] == "SRCC over toy (devices in the data's order)")
    }

    @Test func heatmapShrinksToTwoDigitCellsOnANarrowTerminal() {
        let v = MatrixCorrelationValue(dataset: "toy", matrix: matrix, order: [0, 1, 2], asHeatmap: true)
        let lines = renderValue(v, format: .table, width: 20).split(separator: "\n").map(String.init)
        // The title wraps to fit; the rows follow it.
        #expect(lines.contains("1 alpha  ·*92 50"))
        #expect(lines.contains("3 gamma 50 --  ·"))
        #expect(lines.allSatisfy { $0.count <= 20 || $0.hasPrefix("values x100") || $0.hasPrefix("legend") || $0.contains("pairs") })
        #expect(lines.contains { $0.hasPrefix("values x100") })
    }

    /// 0.8966 is under the 0.9 threshold: its cell reads .89 (unmarked), never an unmarked .90.
    @Test func aValueJustUnderTheThresholdDoesNotReadAsIt() throws {
        let m = CorrelationMatrix(names: ["a", "b"], values: [[1, 0.8966], [0.8966, 1]], counts: [[9, 9], [9, 9]], method: .spearman)
        let v = MatrixCorrelationValue(dataset: "toy", matrix: m, order: [0, 1], asHeatmap: true)
        let lines = renderValue(v, format: .table, width: 100).split(separator: "\n").map(String.init)
        #expect(lines[2] == "1 a 1.00   .89")
        #expect(try v.export(as: "svg").contains(">0.89<"))
    }

    @Test func matrixCSVHasTheFixedHeaderAndFullPrecision() throws {
        let v = MatrixCorrelationValue(dataset: "toy", matrix: matrix, order: [2, 1, 0], asHeatmap: true)
        #expect(try v.export(as: "csv") == "device,alpha,beta,gamma\nalpha,1.0,0.92,0.5\nbeta,0.92,1.0,\ngamma,0.5,,1.0\n")
    }

    @Test func tablesShortenTextColumnsToFitButNeverNumbers() {
        var t = Table(columns: ["name", "note", "value"])
        t.rows = [[.text("a"), .text(String(repeating: "x", count: 80)), .number(0.123456, digits: 3)]]
        let out = t.renderText(width: 40)
        #expect(out.split(separator: "\n").allSatisfy { $0.count <= 40 })
        #expect(out.contains("…"))
        #expect(out.contains("0.123"))
        #expect(t.csv() == "name,note,value\na,\(String(repeating: "x", count: 80)),0.123456\n")
    }
}
