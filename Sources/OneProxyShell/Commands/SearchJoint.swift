import OneProxyKit

/// One device's budget in a search for several devices at once, and what searching on that device
/// alone would have given.
public struct JointConstraint: Sendable {
    public var device: String
    public var budget: Double
    /// The best under this device's budget alone (its row), nil when none meets it.
    public var aloneBest: Int?
    /// The other devices whose budget that model misses, with its latency there.
    public var aloneMisses: [(device: String, latency: Double)]
    /// Whether that model also meets every other device's budget.
    public var aloneMeetsAll: Bool { aloneBest != nil && aloneMisses.isEmpty }
}

/// `search d acc=A lat=[D1, D2, …] max=[B1, B2, …]`: the models that meet every budget on its
/// device. The value's front is over the first device's latency among the rows that meet every
/// other budget, so its best under the first budget is the most accurate model meeting all of them
/// (ties: lower latency on the first device, then lower row).
func jointSearch(_ inv: inout Invocation, dataset d: Dataset, variable: String, accuracy: AccuracyColumn,
                 lat latArg: Located<Expr>) throws -> SearchValue {
    guard case .list(let items) = latArg.value, items.count >= 2 else {
        throw Diagnostic("lat=[…] takes two or more devices", at: latArg.location, length: latArg.length)
    }
    let devices = try items.map { try inv.device($0, in: d, role: "a device (lat=[…] takes the dataset's devices)") }
    guard Set(devices.map(\.name)).count == devices.count else {
        throw Diagnostic("a device appears twice in lat=[…]", at: latArg.location, length: latArg.length)
    }
    guard let maxArg = inv.option("max"), case .list(let budgetItems) = maxArg.value, budgetItems.count == devices.count else {
        let at = inv.option("max") ?? latArg
        throw Diagnostic("lat=[…] with \(devices.count) devices needs max=[…] with one budget each, e.g. max=[\(devices.map { _ in "5ms" }.joined(separator: ", "))]",
                         at: at.location, length: at.length)
    }
    let budgets: [Double] = try budgetItems.map { e in
        let b = try inv.milliseconds(e, "each budget in max=[…]")
        guard b > 0 else { throw Diagnostic("each budget in max=[…] is a positive time such as 5ms", at: e.location, length: e.length) }
        return b
    }
    if let m = inv.option("method"), case .word(let w) = m.value, w != "exhaustive" {
        throw Diagnostic("a search for several devices is exhaustive (the dataset's rows measured on all of them)", at: m.location, length: m.length)
    }
    let keep = try inv.get(SearchOptions.degenerate) == "keep"
    let acc = accuracy.values
    var first = devices[0].latencies
    let leftOut = leaveOutDegenerate(d, latencies: &first, keep: keep)
    if !leftOut.isEmpty { inv.note("\(leftOut.count) \(d.space.descriptor.degenerateName) architectures left out; degenerate=keep puts them back") }
    // Rows measured on every device with an accuracy, connected unless kept.
    let valid = d.keys.indices.filter { r in acc[r].isFinite && first[r].isFinite && devices.allSatisfy { $0.latencies[r].isFinite } }
    // The first device's latency, NaN where another budget is not met: the front and the best.
    var latencies = [Double](repeating: .nan, count: d.rowCount)
    for r in valid where zip(devices.dropFirst(), budgets.dropFirst()).allSatisfy({ $0.latencies[r] <= $1 }) { latencies[r] = first[r] }
    let front = try ParetoFront(accuracies: acc, latencies: latencies, rows: valid)
    guard let best = front.bestUnder(budget: budgets[0]) else {
        throw Diagnostic("no architecture of \(d.name) meets every budget (\(zip(devices, budgets).map { "\($0.name) \(formatMs($1))" }.joined(separator: ", ")))",
                         at: maxArg.location, length: maxArg.length)
    }
    var constraints: [JointConstraint] = []
    for (dev, b) in zip(devices, budgets) {
        // Alone: the most accurate valid row within this budget (ties: lower latency, then row).
        let alone = valid.filter { dev.latencies[$0] <= b }.min { x, y in
            (acc[x], -dev.latencies[x], -x) > (acc[y], -dev.latencies[y], -y)
        }
        let misses = alone.map { r in zip(devices, budgets).filter { $0.latencies[r] > $1 }.map { ($0.0.name, $0.0.latencies[r]) } } ?? []
        constraints.append(JointConstraint(device: dev.name, budget: b, aloneBest: alone, aloneMisses: misses))
    }
    var value = SearchValue(
        dataset: d, candidates: d, variable: variable, accuracyName: accuracy.name, source: devices.map(\.name).joined(separator: " + "),
        device: devices[0].name, predicted: false, accuracies: acc, latencies: latencies, front: front, budget: budgets[0], best: best)
    value.joint = constraints
    value.keepsDegenerate = keep
    value.degenerateLeftOut = leftOut.count
    value.zoom = try inv.get(SearchOptions.zoom) == "on"
    return value
}

extension SearchValue {
    /// The table comparing the joint search with searching on each device alone.
    func jointTable(_ joint: [JointConstraint]) -> Table {
        var t = Table(columns: ["searched on", "budget", candidates.keyName, accuracyName, "meets every budget"])
        var rows: [[Cell]] = []
        if let b = best {
            rows.append([.text("all \(joint.count) at once"), .text(joint.map { formatMs($0.budget) }.joined(separator: ", ")), .text(candidates.keys[b.index]),
                         .number(b.accuracy, digits: 2), .text("yes")])
        }
        for c in joint {
            if let r = c.aloneBest {
                rows.append([.text("\(c.device) alone"), .text(formatMs(c.budget)), .text(candidates.keys[r]), .number(accuracies[r], digits: 2),
                             .text(c.aloneMeetsAll ? "yes" : "no: " + c.aloneMisses.map { "\($0.device) \(formatMs($0.latency))" }.joined(separator: ", "))])
            } else {
                rows.append([.text("\(c.device) alone"), .text(formatMs(c.budget)), .text("none"), .number(nil, digits: 2), .text("")])
            }
        }
        t.rows = rows
        t.title = "the model that meets every budget, and what searching on one device at a time gives"
        return t
    }
}
