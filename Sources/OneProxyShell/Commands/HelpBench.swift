import OneProxyKit

let helpbenchCommand = CommandSpec(
    name: "helpbench", category: "many proxies",
    summary: "HELP's few-shot benchmark on help-nb201: per-device and mean SRCC of each method beside HELP's published numbers",
    usage: ["h = helpbench [draws=10]"],
    options: [OptionHelp("draws", "random draws (default 10); draw k uses seed k")],
    details: """
        HELP's protocol (NeurIPS 2021) as METHOD.md section 6 states it: targets titan_rtx_256,
        gold_6226, pixel2, raspi4, eyeriss, fpga; pool 1080ti_1, 1080ti_32, 1080ti_256,
        silver_4114, silver_4210r, samsung_a50, pixel3, essential_ph_1, samsung_s7. Samples come
        from NB201 architectures 0..899 and scores are SRCC on 900..1899, both the middle 80% by the
        target's latency (sorted by latency then index, the first and last tenth dropped). With 20
        samples: the 10 reference architectures 11982 431 55 9 14451 8636 9881 13479 6196 1462 and
        10 random ones; with 10: the same 10 random ones. Methods: AdaProxy from pixel3, the pool's
        best proxy + AdaProxy, the non-negative stack of the pool, the stack + AdaProxy, the blend
        (the mean of the last two), a target-only ridge. The mean is over the six targets per draw; se is its standard error over draws.
        export h "h.json" writes {"methods": {M: {"n10": {"mean", "se", "devices"}, "n20": …}}}.
        """,
    examples: ["h = helpbench draws=1"]
) { inv in
    try inv.checkPositionalCount(max: 0)
    let draws = try inv.int("draws", default: 10, range: 1...1000)
    let d = try BundledDatasets.load("help-nb201")
    let ctx = inv.session.computeContext
    let pool = try FewShotPool(x: try encodingMatrix(d), proxies: HelpProtocol.pool.map { d.device(named: $0)! }, context: ctx)
    let result = try helpBenchmark(d, pool: pool, methods: HelpProtocol.methods(pool: pool), draws: draws, compute: ctx)
    return .value(HelpBenchValue(result: result))
}
