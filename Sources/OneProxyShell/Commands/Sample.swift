import OneProxyKit

enum SampleOptions {
    static let seed = CommandOption.seed("the random draw")
}

let sampleCommand = CommandSpec(
    name: "sample", category: .predictors,
    summary: "a list of row numbers: given, or drawn at random (seeded) from a dataset",
    usage: ["s = sample [r1, r2, …]", "s = sample d n=70 [seed=1] [measured=[A, B]]"],
    options: [
        OptionHelp("n", "how many rows to draw"),
        SampleOptions.seed.help,
        OptionHelp("measured", "draw only among rows these devices measured"),
    ],
    details: "adapt takes a sample as samples=s (its first train= rows train, the rest validate).",
    examples: [
        "s = sample [275, 1165, 1735, 1643, 1564, 129, 522, 241]",
        "d = load oneproxy-nb201; s = sample d n=20 seed=3 measured=[rice_edgetpu]; adapt d proxy=true_vpu target=rice_edgetpu samples=s train=15",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let arg = try inv.positional(0, "a list of row numbers, or a dataset to draw from")
    if case .list(let items) = arg.value {
        for key in ["n", "seed", "measured"] where inv.option(key) != nil {
            throw Diagnostic("\(key)= is for drawing from a dataset: sample d n=70", at: arg.location, length: arg.length)
        }
        let rows = try items.map { try inv.int($0, key: "a row number", range: 0...Int.max) }
        guard !rows.isEmpty else { throw Diagnostic("the list of rows is empty", at: arg.location, length: arg.length) }
        if let dup = firstDuplicate(rows) { throw Diagnostic("row \(dup) is listed twice", at: arg.location, length: arg.length) }
        return .value(SampleValue(rows: rows, origin: "given"))
    }
    let (dv, _) = try inv.variable(arg, as: DatasetValue.self, "a dataset to draw from")
    let d = dv.dataset
    guard let nArg = inv.option("n") else {
        throw Diagnostic("sample from a dataset needs n=COUNT", at: inv.commandName.location, length: inv.commandName.length)
    }
    let n = try inv.int(nArg, key: "n", range: 1...d.rowCount)
    let seed = try inv.get(SampleOptions.seed)
    var candidates = Array(0..<d.rowCount)
    var devices: [String] = []
    if let list = try inv.wordList("measured") {
        for name in list {
            let dev = try inv.device(Located(.word(name.value), at: name.location, length: name.length), in: d)
            candidates = candidates.filter { !dev.latencies[$0].isNaN }
            devices.append(dev.name)
        }
    }
    guard n <= candidates.count else {
        throw Diagnostic("n=\(n) but only \(candidates.count) rows qualify", at: nArg.location, length: nArg.length)
    }
    let rows = sampleRows(candidates: candidates, count: n, seed: UInt64(seed))
    let among = devices.isEmpty ? "" : ", measured by " + devices.joined(separator: " and ")
    return .value(SampleValue(rows: rows, origin: "drawn from \(d.name) with seed \(seed)\(among)"))
}

func firstDuplicate(_ rows: [Int]) -> Int? {
    var seen = Set<Int>()
    return rows.first { !seen.insert($0).inserted }
}

extension Invocation {
    /// `key=[1, 2, 3]` or `key=s` with s a sample variable: row numbers, with where they were written.
    mutating func rows(_ key: String) throws -> (values: [Int], location: Located<Expr>)? {
        guard let e = option(key) else { return nil }
        if case .word = e.value {
            let (s, _) = try variable(e, as: (any RowListValue).self, "a sample (s = sample …), a plan (p = plan …) or a list of row numbers")
            return (s.rows, e)
        }
        guard case .list(let items) = e.value else {
            throw Diagnostic("\(key) takes a list of row numbers such as [1, 2, 3], or a sample variable", at: e.location, length: e.length)
        }
        return (try items.map { try int($0, key: key, range: nil) }, e)
    }
}
