import OneProxyKit

let adviseCommand = CommandSpec(
    name: "advise", category: .manyProxies,
    summary: "which proxy or stack to use for a target, from a few samples: cross-validated SRCC with bootstrap intervals",
    usage: [
        "a = advise d target=T [n=10 seed=1] [proxies=[A, B, …]]",
        "a = advise d target=T samples=[r1, r2, …]      # or samples=s (s = sample …)",
    ],
    options: [
        OptionHelp("target", "the target device: only the sampled rows' latencies are used", completion: .device),
        OptionHelp("pool", "the proxies as predictor takes them: all, a dataset's name, or a list (default: every device of the dataset but the target; for a new device, sparsely measured, all)", completion: .device),
        OptionHelp("proxies", "the candidate proxies (default: every device but the target)", completion: .device),
        FewShotOptions.n(10).help,
        CommandOption.seed("the random draw, the bootstrap and the stand-in curve").help,
        FewShotOptions.samples,
    ],
    details: """
        Candidates: AdaProxy from each proxy, the non-negative stack of all of them, and the stack
        + AdaProxy. Each is scored by leave-one-out on the samples (refitted without the held-out
        sample, λ and the stack included), with a 95% bootstrap interval (1000 resamples of the
        samples). The best is recommended; strong monotonicity (>= \(strongMonotonicity)) is called likely when the
        interval's low end reaches 0.9, unlikely when its high end is below. Whether more samples
        pay comes from a curve: up to 4 proxies in turn stand in for the target (the others as the
        pool) and the recommended kind of method is scored at n and 2n samples (3 draws each).
        srcc_all checks each candidate on every architecture the target measured, which the
        advice itself never sees.
        """,
    examples: [
        "d = load oneproxy-nb201; a = advise d target=eagle_gtx proxies=[true_vpu, eagle_i7, rice_pixel3] n=8; show a",
    ]
) { inv in
    try inv.checkPositionalCount(max: 1)
    let (dv, _) = try inv.variable(0, as: DatasetValue.self, "a dataset")
    let d = dv.dataset
    let target = try inv.targetDevice(in: d, command: "advise")
    let proxies = try inv.newDevicePool(in: d, target: target)
    let seed = try inv.get(FewShotOptions.seed)
    let (samples, text) = try inv.fewShotSamples(in: d, target: target, defaultN: 10)
    guard samples.count >= 4 else {
        throw Diagnostic("advise needs at least 4 samples", at: inv.commandName.location, length: inv.commandName.length)
    }
    let ctx = inv.session.computeContext
    let pool = try FewShotPool(x: try encodingMatrix(d), proxies: proxies, context: ctx)
    let context = try FewShotContext(pool: pool, target: target)
    var methods: [any FewShotMethod] = pool.names.indices.map { AdaProxyMethod(proxy: $0, name: "\(pool.names[$0]) + AdaProxy") }
    if pool.names.count >= 2 { methods += [StackMethod(adapt: false), StackMethod(adapt: true)] as [any FewShotMethod] }
    let scores = try adviseByCrossValidation(context, methods: methods, samples: samples, seed: seed, compute: ctx)
    // A new device measured only on the samples has no architecture left to check on: its
    // "every architecture" score would be in-sample, so none is shown.
    let sampled = Set(samples)
    let heldOut = target.latencies.indices.contains { !target.latencies[$0].isNaN && !sampled.contains($0) }
    let candidates = scores.map {
        AdviceValue.Candidate(name: $0.name, cvSRCC: $0.cvSRCC, low: $0.interval?.low, high: $0.interval?.high,
                              srccAll: heldOut ? $0.model.flatMap { context.score($0) } : nil)
    }
    var strong = "strong monotonicity cannot be judged: no candidate could be scored"
    var more = "whether more samples pay could not be estimated"
    if let best = scores.first, best.cvSRCC != nil {
        if let iv = best.interval {
            strong = iv.low >= strongMonotonicity
                ? String(format: "strong monotonicity (>= \(strongMonotonicity)) is likely: the interval [%.3f, %.3f] lies above \(strongMonotonicity)", iv.low, iv.high)
                : iv.high < strongMonotonicity
                ? String(format: "strong monotonicity (>= \(strongMonotonicity)) is unlikely: the interval [%.3f, %.3f] lies below \(strongMonotonicity)", iv.low, iv.high)
                : String(format: "strong monotonicity (>= \(strongMonotonicity)) is uncertain: the interval [%.3f, %.3f] straddles \(strongMonotonicity)", iv.low, iv.high)
        }
        // The recommended kind of method on stand-in targets.
        let single = pool.names.indices.first { "\(pool.names[$0]) + AdaProxy" == best.name }
        let standIns = Array(pool.names.indices.filter { $0 != single }.prefix(4))
        let make: (FewShotPool) -> any FewShotMethod = { p in
            if let single, let k = p.index(of: pool.names[single]) { return AdaProxyMethod(proxy: k, name: best.name) }
            return StackMethod(adapt: best.name != "stack (NNLS)")
        }
        let n = samples.count
        if !standIns.isEmpty, pool.names.count >= 2,
           let g = try gainFromMoreSamples(pool: pool, standIns: standIns, n: n, repeats: 3, seed: seed, makeMethod: make, compute: ctx) {
            let gain = g.at2N - g.atN
            more = String(format: "from a curve on %d stand-in targets: %d → %d samples moves SRCC %.3f → %.3f (%+.3f): ", standIns.count, n, g.larger, g.atN, g.at2N, gain)
                + (gain >= 0.01 ? "measuring \(g.larger - n) more would pay" : "more samples would not pay (< 0.01)")
        }
    }
    return .value(AdviceValue(dataset: d.name, target: target.name, samples: samples, selectionText: text, candidates: candidates,
                              strongVerdict: strong, moreSamples: more))
}
