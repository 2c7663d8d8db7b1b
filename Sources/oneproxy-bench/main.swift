// Release-mode benchmarks: `swift run -c release oneproxy-bench [load|correlations|adapt|search|plan|large|interrupt|fewshot|summary|models-val|models-test|models-all|plan-pool|evolution-val|evolution-test|evolution-example|accpred|all]`;
// `oneproxy-bench kernel` runs one kernel alone for profiling (see benchKernel).
// Each prints its timings and, where a Python reference timing file exists (bench/*.py writes them),
// the ratio against the Python reference doing the same work.
import Foundation

let which = CommandLine.arguments.dropFirst().first ?? "all"
let benches: [(String, () throws -> Void)] = [
    ("load", benchLoad),
    ("correlations", benchCorrelations),
    ("adapt", benchAdapt),
    ("search", benchSearch),
    ("plan", benchPlan),
    ("large", benchLarge),
    ("interrupt", benchInterrupt),
    ("fewshot", benchFewShot),
    ("summary", benchSummary),
    ("models-val", benchModelsValidation),
    ("models-test", benchModelsTest),
    ("models-all", benchModelsAllDevices),
    ("plan-pool", benchPlanPool),
    ("evolution-val", benchEvolutionValidation),
    ("evolution-test", benchEvolutionTest),
    ("evolution-example", benchEvolutionExample),
    ("accpred", benchAccuracyPredictor),
]
var ran = false
if which == "kernel" { try benchKernel(); exit(0) }
for (name, run) in benches where which == "all" || which == name {
    print("== \(name)")
    do { try run() } catch { print("failed: \(error)") }
    ran = true
}
if !ran {
    print("usage: oneproxy-bench [all|\(benches.map(\.0).joined(separator: "|"))|kernel]")
    exit(64)
}
