import Foundation
import OneProxyKit
import Testing
@testable import OneProxyShell

@Suite("search and reuse in the shell")
struct SearchShellTests {
    /// The exported front equals a brute-force non-dominated set of the dataset's connected rows
    /// (twins all kept), fastest first, then by row.
    @Test func theExportedFrontIsTheBruteForceFront() throws {
        let (s, sink) = try makeSession()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csvPath = dir.appendingPathComponent("front.csv").path
        #expect(s.run(source: "d = load oneproxy-nb201; f = search d acc=cifar100 lat=rice_pixel3; export f \"\(csvPath)\"", origin: "t"), "\(sink.stderr)")
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "row,nb201_index,arch_str,accuracy,latency_ms")
        let d = try BundledDatasets.load("oneproxy-nb201")
        let acc = try #require(d.accuracy(named: "cifar100")).values, lat = try #require(d.device(named: "rice_pixel3")).latencies
        let disconnected = Set(degenerateRows(d))
        let valid = d.keys.indices.filter { acc[$0].isFinite && lat[$0].isFinite && !disconnected.contains($0) }
        var front = valid.filter { i in
            !valid.contains { j in j != i && lat[j] <= lat[i] && acc[j] >= acc[i] && (lat[j] < lat[i] || acc[j] > acc[i]) }
        }
        front.sort { (lat[$0], $0) < (lat[$1], $1) }
        #expect(csv.dropFirst().map { Int($0.split(separator: ",")[0])! } == front)
        let firstRow = csv[1].split(separator: ",")
        #expect(Int(firstRow[1]) == d.nb201Index?[front[0]])
        #expect(String(firstRow[2]) == d.keys[front[0]])
    }

    @Test func budgetsAtTheEdges() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; f = search d acc=cifar10 lat=eagle_gtx", origin: "t"))
        let f = try #require(s.value(of: "f") as? SearchValue)
        let fastest = try #require(f.front.points.first), slowest = try #require(f.front.points.last)
        // Exactly the fastest latency: that model; a hair under it: none; above the slowest: the global best.
        #expect(s.run(source: "a = search d acc=cifar10 lat=eagle_gtx max=\(fastest.latency)ms", origin: "t"))
        #expect((s.value(of: "a") as? SearchValue)?.best == fastest)
        #expect(!s.run(source: "b = search d acc=cifar10 lat=eagle_gtx max=\(fastest.latency * 0.999)ms", origin: "t"))
        #expect(sink.stderr.contains("no architecture meets max="))
        #expect(sink.stderr.contains("the fastest by eagle_gtx takes"))
        #expect(s.run(source: "c = search d acc=cifar10 lat=eagle_gtx max=\(slowest.latency * 10)ms", origin: "t"))
        #expect((s.value(of: "c") as? SearchValue)?.best == slowest)
        #expect(!s.run(source: "e = search d acc=cifar10 lat=eagle_gtx method=evolution", origin: "t"))
        #expect(sink.stderr.contains("evolution searches under a budget"))
    }

    @Test func aPredictorSearchesAllNB201Architectures() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; p = fit d true_vpu; f = search d acc=cifar10 lat=p max=3ms", origin: "t"), "\(sink.stderr)")
        let f = try #require(s.value(of: "f") as? SearchValue)
        #expect(f.candidates.rowCount == NB201.architectureCount)
        #expect(f.predicted)
        // The front's latencies are the predictor's own predictions for those architectures.
        let p = try #require(s.value(of: "p") as? PredictorValue)
        for point in f.front.points.prefix(5) {
            let x = try NB201.encoding(f.candidates.keys[point.index])
            let predicted = zip(x, p.predictor.weights).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(predicted - point.latency) < 1e-9 * max(1, abs(predicted)))
        }
    }

    /// Reusing a front on its own device recovers all of it; the JSON carries the fixed fields.
    @Test func reuseOnTheProxyItselfIsPerfectAndTheJSONHasTheFields() throws {
        let (s, sink) = try makeSession()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-reuse-\(UUID().uuidString).json").path
        #expect(s.run(source: "d = load oneproxy-nb201; f = search d acc=cifar10 lat=rice_pixel3; r = reuse f targets=[rice_pixel3, eagle_gtx]; export r \"\(path)\"", origin: "t"), "\(sink.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let targets = try #require(json["targets"] as? [String: [String: Any]])
        let own = try #require(targets["rice_pixel3"])
        #expect(own["front_recall"] as? Double == 1)
        #expect(own["hypervolume_ratio"] as? Double == 1)
        #expect(own["accuracy_lost_mean"] as? Double == 0)
        #expect(own["accuracy_lost_max"] as? Double == 0)
        // The other target agrees with the Kit's report computed directly.
        let d = try BundledDatasets.load("oneproxy-nb201")
        let f = try #require(s.value(of: "f") as? SearchValue)
        let disconnected = Set(degenerateRows(d))
        let direct = try reuseReport(proxyFront: f.front.indices, targetLatencies: try #require(d.device(named: "eagle_gtx")).latencies,
                                     accuracies: try #require(d.accuracy(named: "cifar10")).values,
                                     candidates: d.keys.indices.filter { !disconnected.contains($0) })
        // (Foundation's JSON reader on Linux can be 1 ulp off the exact text JSONEncoder wrote.)
        let gtx = try #require(targets["eagle_gtx"])
        func close(_ key: String, _ v: Double?) -> Bool {
            guard let x = gtx[key] as? Double, let v else { return false }
            return abs(x - v) <= 1e-12 * max(1, abs(v))
        }
        #expect(close("front_recall", direct.frontRecall))
        #expect(close("hypervolume_ratio", direct.hypervolumeRatio))
        #expect(close("accuracy_lost_max", direct.accuracyLostMax))
        #expect(close("accuracy_lost_mean", direct.accuracyLostMean))
        #expect(close("accuracy_lost_mean_met", direct.accuracyLostMeanMet))
        #expect(gtx["budgets_unmet"] as? Int == direct.budgetsUnmet && gtx["budgets"] as? Int == direct.targetPoints)
        #expect(gtx["recovered"] as? Int == direct.recovered)
        #expect((direct.hypervolumeRatio ?? 2) < 1)
    }

    /// By default search leaves NB201's 341 disconnected cells out and says so; degenerate=keep
    /// puts them back, where they sit on pixel3's front; reuse follows the search's choice.
    @Test func disconnectedCellsAreLeftOutUnlessKept() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "h = load help-nb201; f = search h acc=cifar10 lat=pixel3", origin: "t"), "\(sink.stderr)")
        #expect(sink.stderr.contains("note: 341 disconnected architectures left out; degenerate=keep puts them back"), "\(sink.stderr)")
        let d = try BundledDatasets.load("help-nb201")
        let disconnected = Set(degenerateRows(d))
        let f = try #require(s.value(of: "f") as? SearchValue)
        #expect(!f.keepsDegenerate && f.degenerateLeftOut == 341)
        #expect(f.front.candidateCount == 15625 - 341 && !f.front.indices.contains { disconnected.contains($0) })
        #expect(f.summary.contains("of 15284 architectures"))
        #expect(try f.export(as: "md").contains("341 disconnected architectures"))
        #expect(try f.export(as: "json").contains("\"degenerate_left_out\" : 341"))

        #expect(s.run(source: "k = search h acc=cifar10 lat=pixel3 degenerate=keep", origin: "t"), "\(sink.stderr)")
        let k = try #require(s.value(of: "k") as? SearchValue)
        #expect(k.keepsDegenerate && k.degenerateLeftOut == 0 && k.front.candidateCount == 15625)
        #expect(k.front.indices.contains { disconnected.contains($0) })
        let acc = try #require(d.accuracy(named: "cifar10")).values, lat = try #require(d.device(named: "pixel3")).latencies
        #expect(Set(k.front.indices) == Set(try ParetoFront(accuracies: acc, latencies: lat).indices))

        // reuse: each target's front over the same candidates as the search.
        #expect(s.run(source: "r = reuse f target=raspi4; rk = reuse k target=raspi4", origin: "t"), "\(sink.stderr)")
        #expect(sink.stderr.contains("the targets' fronts leave out the 341 disconnected architectures too"))
        let r = try #require((s.value(of: "r") as? ReuseValue)?.entries.first?.report)
        let rk = try #require((s.value(of: "rk") as? ReuseValue)?.entries.first?.report)
        #expect(!r.targetFront.indices.contains { disconnected.contains($0) })
        #expect(rk.targetFront.indices.contains { disconnected.contains($0) })
        #expect(r.targetFront.candidateCount == 15625 - 341 && rk.targetFront.candidateCount == 15625)

        #expect(!s.run(source: "search h acc=cifar10 lat=pixel3 degenerate=maybe", origin: "t"))
        #expect(sink.stderr.contains("degenerate must be one of drop, keep"))
    }

    /// A predictor searches all 15625 NB201 cells but the disconnected ones; keep puts them back.
    @Test func aPredictorSearchLeavesOutDisconnectedCells() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load oneproxy-nb201; p = fit d true_vpu; f = search d acc=cifar10 lat=p; k = search d acc=cifar10 lat=p degenerate=keep", origin: "t"), "\(sink.stderr)")
        let f = try #require(s.value(of: "f") as? SearchValue), k = try #require(s.value(of: "k") as? SearchValue)
        let disconnected = Set(degenerateRows(f.candidates))
        #expect(disconnected.count == 341 && f.degenerateLeftOut == 341)
        #expect(f.front.candidateCount == 15625 - 341 && k.front.candidateCount == 15625)
        #expect(!f.front.indices.contains { disconnected.contains($0) })
        #expect(disconnected.allSatisfy { f.latencies[$0].isNaN })
        // Kept, they carry their predictions (left out only where the prediction is <= 0, as any row).
        let w = try #require(s.value(of: "p") as? PredictorValue).predictor.weights
        for r in disconnected {
            let predicted = zip(try NB201.encoding(k.candidates.keys[r]), w).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(predicted > 0 ? abs(k.latencies[r] - predicted) < 1e-9 * max(1, predicted) : k.latencies[r].isNaN)
        }
    }

    @Test func evolutionThroughTheShellIsReproducibleForASeed() throws {
        var summaries: [String] = []
        for _ in 0..<2 {
            let (s, sink) = try makeSession()
            #expect(s.run(source: "d = load oneproxy-nb201; e = search d acc=cifar10 lat=eagle_gtx max=6ms method=evolution generations=30 seed=4", origin: "t"), "\(sink.stderr)")
            let e = try #require(s.value(of: "e") as? SearchValue)
            summaries.append(e.summary + "\(e.evolution?.history ?? [])")
        }
        #expect(summaries[0] == summaries[1])
    }

    @Test func spacesWithoutAccuraciesSaySo() throws {
        let (s, sink) = try makeSession()
        #expect(!s.run(source: "d = load help-fbnet; search d lat=pixel3", origin: "t"))
        #expect(sink.stderr.contains("help-fbnet has no accuracy column"))
        #expect(sink.stderr.contains("acc_NAME"))
    }

    /// OFA is a search space now: evolution no longer refuses it (on a file of 40 rows its random
    /// draws from the whole space find no measured architecture, which it says); custom keys are refused.
    @Test func evolutionTakesOFAAndRefusesCustomKeys() throws {
        let d = try BundledDatasets.load("help-ofa")
        var text = "ks,e,d,r,gpu_ms,acc_toy\n"
        for r in 0..<40 {
            text += d.keys[r].replacingOccurrences(of: "|", with: ",") + ",\(d.devices[0].latencies[r]),\(Double(r))\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-ofa-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { for p in [path, path + ".custom.csv"] { try? FileManager.default.removeItem(atPath: p) } }
        let (s, sink) = try makeSession()
        #expect(s.run(source: "o = load \"\(path)\"; f = search o acc=toy lat=gpu", origin: "t"), "\(sink.stderr)")
        #expect(!s.run(source: "e = search o acc=toy lat=gpu max=1000ms method=evolution population=5 generations=1", origin: "t"))
        #expect(!sink.stderr.contains("can mutate") && sink.stderr.contains("random draws") && sink.stderr.contains("10^18"), "\(sink.stderr)")
        let custom = path + ".custom.csv"
        try "model,gpu_ms,acc_toy\na,1,2\nb,2,3\n".write(toFile: custom, atomically: true, encoding: .utf8)
        #expect(!s.run(source: "c = load \"\(custom)\"; e = search c acc=toy lat=gpu max=5ms method=evolution", origin: "t"))
        #expect(sink.stderr.contains("evolution needs a space it can mutate (nb201, fbnet, ofa)"), "\(sink.stderr)")
    }

    /// An evolution's CSV holds its best, its final population and its history; the JSON adds the
    /// traces of evolution and random search at equal evaluations.
    @Test func anEvolutionExportsWhatItFound() throws {
        let (s, sink) = try makeSession()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("oneproxy-evo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("e.csv").path, json = dir.appendingPathComponent("e.json").path
        #expect(s.run(source: "d = load help-nb201; e = search d acc=cifar10 lat=pixel3 max=10ms method=evolution evaluations=400 seed=3; export e \"\(csv)\"; export e \"\(json)\"", origin: "t"), "\(sink.stderr)")
        let e = try #require((s.value(of: "e") as? SearchValue)?.evolution)
        #expect(e.evaluations == 400 && e.reachedEvaluationLimit)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines[0] == ["role", "rank", "generation", "arch_str", "accuracy", "latency_ms", "best_accuracy"])
        let best = lines.filter { $0[0] == "best" }, population = lines.filter { $0[0] == "population" }, history = lines.filter { $0[0] == "history" }
        #expect(best.count == 1 && best[0][3] == e.key && abs(Double(best[0][4])! - e.accuracy) < 1e-9)
        #expect(population.count == e.population.count && population.map { $0[3] } == e.population.map(\.key))
        #expect(Set(population.map { $0[3] }).count == population.count)
        #expect(history.count == e.history.count && history.map { Int($0[2])! } == Array(0..<e.history.count))
        // Each population member's accuracy and latency are the dataset's.
        let d = try BundledDatasets.load("help-nb201")
        let row = Dictionary(uniqueKeysWithValues: d.keys.enumerated().map { ($1, $0) })
        let acc = try #require(d.accuracy(named: "cifar10")).values, lat = try #require(d.device(named: "pixel3")).latencies
        for p in population {
            let r = try #require(row[p[3]])
            #expect(abs(Double(p[4])! - acc[r]) < 1e-3 && abs(Double(p[5])! - lat[r]) < 1e-4 * lat[r] && lat[r] <= 10)
        }
        let o = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let evo = try #require(o["evolution"] as? [String: Any]), rnd = try #require(o["random_search"] as? [String: Any])
        #expect((evo["trace"] as? [Double])?.count == 400 && (evo["population"] as? [Any])?.count == e.population.count)
        #expect((rnd["evaluations"] as? Int) == 400 && (rnd["trace"] as? [Double])?.count == 400)
        #expect(evo["evaluation_limit"] as? Int == 400 && evo["latency_checks"] as? Int ?? 0 >= 400)
    }

    /// The front figure zooms to the front's upper half and says what it leaves out; the best
    /// under the budget and the evolution's result are large marks of distinct shapes, drawn last.
    @Test func theFigureZoomsAndMarksTheResults() throws {
        let (s, sink) = try makeSession()
        #expect(s.run(source: "d = load help-nb201; e = search d acc=cifar10 lat=raspi4 max=20ms method=evolution evaluations=500; z = search d acc=cifar10 lat=raspi4 max=20ms zoom=off", origin: "t"), "\(sink.stderr)")
        let e = try #require(s.value(of: "e") as? SearchValue), z = try #require(s.value(of: "z") as? SearchValue)
        guard case .plot(let zoomed) = e.frontFigure, case .plot(let all) = z.frontFigure else { Issue.record("not plots"); return }
        let accs = e.accuracies.indices.filter { e.accuracies[$0].isFinite && e.latencies[$0].isFinite }.map { e.accuracies[$0] }.sorted()
        let median = accs[(accs.count - 1) / 2]
        let x = try #require(zoomed.x.range), y = try #require(zoomed.y.range)
        // The zoom holds the upper front, the budget and both results, and leaves out the slowest
        // and the least accurate candidates.
        let upper = e.front.points.filter { $0.accuracy >= median }
        #expect(upper.allSatisfy { x.contains($0.latency) && y.contains($0.accuracy) })
        #expect(x.contains(20) && y.lowerBound <= median && y.lowerBound > accs[0])
        #expect(all.x.range == nil && all.y.range == nil)
        #expect(e.zoomNote?.contains("zoom=off shows all") == true && z.zoomNote == nil)
        let marks = zoomed.series.filter(\.emphasised)
        #expect(marks.map(\.shape) == [.star, .diamond] && Set(marks.map(\.colour)).count == 2)
        let svg = e.frontFigure.svg()
        #expect(svg.contains("data-shape=\"star\"") && svg.contains("data-shape=\"diamond\""))
        // Drawn after the cloud of architectures: the last series groups are the marks.
        let groups = svg.components(separatedBy: "<g class=\"series\" data-name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(groups.suffix(2).map(String.init) == ["best under the budget (exhaustive)", "evolution&apos;s result"])
    }

    /// Several devices at once: the best is the most accurate connected row meeting every budget
    /// (brute force), and the one-device-at-a-time rows are each device's own best.
    @Test func aSearchForSeveralDevicesMeetsEveryBudget() throws {
        let (s, sink) = try makeSession()
        let d = try BundledDatasets.load("help-nb201")
        let acc = try #require(d.accuracy(named: "cifar100")).values
        let names = ["pixel2", "gold_6226", "titan_rtx_1"], budgets = [25.0, 6.0, 10.0]
        let lats = try names.map { try #require(d.device(named: $0)).latencies }
        #expect(s.run(source: "d = load help-nb201; j = search d acc=cifar100 lat=[pixel2, gold_6226, titan_rtx_1] max=[25ms, 6ms, 10ms]", origin: "t"), "\(sink.stderr)")
        let j = try #require(s.value(of: "j") as? SearchValue)
        let connected = Set(d.keys.indices).subtracting(degenerateRows(d))
        let feasible = connected.filter { r in (0..<3).allSatisfy { lats[$0][r] <= budgets[$0] } }
        let bestAcc = feasible.map { acc[$0] }.max()!
        let best = try #require(j.best)
        #expect(best.accuracy == bestAcc && feasible.contains(best.index))
        let joint = try #require(j.joint)
        for (k, c) in joint.enumerated() {
            let alone = connected.filter { lats[k][$0] <= budgets[k] }.map { acc[$0] }.max()!
            #expect(c.device == names[k] && c.aloneBest.map { acc[$0] } == alone)
            #expect(c.aloneMeetsAll == c.aloneBest.map { feasible.contains($0) })
        }
        #expect(!s.run(source: "x = search d acc=cifar100 lat=[pixel2, gold_6226] max=5ms", origin: "t"))
        #expect(sink.stderr.contains("needs max=[…] with one budget each"))
        #expect(!s.run(source: "x = search d acc=cifar100 lat=[pixel2, gold_6226] max=[0.01ms, 0.01ms]", origin: "t"))
        #expect(sink.stderr.contains("meets every budget"))
    }
}

