import Foundation
import OneProxyKit

/// `p = fit d PROXY`: a proxy device's linear latency predictor on its space's encoding.
public struct PredictorValue: ShellValue {
    public var dataset: String
    public var space: SpaceKind
    public var device: String
    public var predictor: LinearPredictor
    /// SRCC of the fit against the device's own measurements (rows it measured).
    public var srccFit: PairCorrelation

    public var typeName: String { "predictor" }

    var largestWeight: Double { predictor.weights.map(abs).max() ?? 0 }

    public var summary: String {
        "linear predictor of \(device) (\(space.rawValue), \(predictor.weights.count) columns, rank \(predictor.rank)), SRCC \(format4(srccFit.value)) on its \(predictor.rowsUsed) architectures"
    }

    public func render(_ ctx: RenderContext) -> String {
        switch ctx.format {
        case .json: return json()
        case .csv: return weightsTable.csv()
        case .table, .markdown:
            var t = weightsTable
            t.title = "Linear latency predictor of \(device), fit on \(predictor.rowsUsed) architectures of \(dataset)"
            t.notes = [
                "encoding: \(space.rawValue), \(predictor.weights.count) columns, numerical rank \(predictor.rank) (minimum-norm least squares)",
                "SRCC(fit, \(device)) = \(format4(srccFit.value)) over \(srccFit.n) architectures; RMS residual \(String(format: "%.4g", predictor.residualRMS)) ms; largest |w| = \(String(format: "%.4g", largestWeight))",
            ]
            return t.render(ctx)
        }
    }

    var weightsTable: Table {
        var t = Table(columns: ["column", "feature", "weight_ms"])
        let names = featureNames(space: space, count: predictor.weights.count)
        t.rows = predictor.weights.enumerated().map { [.integer($0.offset), .text(names[$0.offset]), .number($0.element, digits: 4)] }
        return t
    }

    func json() -> String {
        "{\"device\": \(jsonString(device)), \"dataset\": \(jsonString(dataset)), \"space\": \(jsonString(space.rawValue)), "
            + "\"rank\": \(predictor.rank), \"rows_used\": \(predictor.rowsUsed), \"srcc_fit\": \(jsonNumber(srccFit.value)), "
            + "\"residual_rms\": \(jsonNumber(predictor.residualRMS)), \"weights\": [" + predictor.weights.map { jsonNumber($0) }.joined(separator: ", ") + "]}\n"
    }

    public var exportExtensions: [String] { ["csv", "json"] }
    public func export(as ext: String) throws -> String { ext == "csv" ? weightsTable.csv() : json() }
}

/// Readable names of the encoding's columns (NB201: `edge2:nor_conv_3x3`), else `x17`.
func featureNames(space: SpaceKind, count: Int) -> [String] {
    if space == .nb201, count == NB201.encodingWidth {
        var names: [String] = []
        for e in 0..<NB201.edgeCount { for op in NB201.operations { names.append("edge\(e):\(op)") } }
        return names + ["constant"]
    }
    return (0..<count).map { $0 == count - 1 ? "constant" : "x\($0)" }
}

func format4(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "undefined" }

/// `a = adapt d proxy=P target=T`: the AdaProxy report beside its honest baselines.
public struct AdaptationValue: ShellValue {
    public var dataset: String
    public var space: SpaceKind
    public var proxy: String
    public var target: String
    public var report: AdaptationReport
    /// How many architectures the all-rows SRCCs are computed on (rows the target measured).
    public var evaluated: Int
    /// Row numbers in the dataset's order, for the header.
    public var selectionText: String

    public var typeName: String { "adaptation" }

    public var summary: String {
        "AdaProxy \(proxy) → \(target): SRCC \(format4(report.srccAdapted)) (raw \(format4(report.srccRaw)), λ = \(formatLambda(report.lambda)), \(report.norm.rawValue), \(selectionText))"
    }

    /// Under cross-validation the final model is refit on every sample, so train/val scores are
    /// in-sample: the tables show the out-of-fold score instead.
    var isCV: Bool {
        if case .crossValidation = report.selection { return true }
        return false
    }

    var chosenCV: Double? { report.path.first { $0.lambda == report.lambda }?.cvSRCC }

    var methodsTable: Table {
        let blank = Cell.text("")
        let adapted: [Cell] = isCV
            ? [.number(report.srccAdapted, digits: 4), .number(chosenCV, digits: 4)]
            : [.number(report.srccAdapted, digits: 4), .number(report.srccTrain, digits: 4), .number(report.srccVal, digits: 4)]
        var t = Table(columns: ["predictor of \(target)", "srcc_all"] + (isCV ? ["srcc_cv"] : ["srcc_train", "srcc_val"]))
        let pad = Array(repeating: blank, count: isCV ? 1 : 2)
        t.rows = [
            [.text("raw proxy latencies (\(proxy))"), .number(report.srccRaw, digits: 4)] + pad,
            [.text("proxy fit x·w"), .number(report.srccProxyFit, digits: 4)] + pad,
            [.text("target only: ridge on the \(report.train.count + report.val.count) samples"), .number(report.srccTargetOnly, digits: 4)] + pad,
            [.text("AdaProxy (\(report.norm.rawValue), λ = \(formatLambda(report.lambda)))")] + adapted,
        ]
        return t
    }

    var pathTable: Table {
        let chosen: (LambdaPathEntry) -> Cell = { .text($0.lambda == report.lambda ? "←" : "") }
        if isCV {
            var t = Table(columns: ["lambda", "srcc_cv", "srcc_all", "chosen"])
            t.rows = report.path.map { [.number($0.lambda, digits: 5), .number($0.cvSRCC, digits: 4), .number($0.allSRCC, digits: 4), chosen($0)] }
            return t
        }
        var t = Table(columns: ["lambda", "srcc_train", "srcc_val", "srcc_all", "chosen"])
        t.rows = report.path.map {
            [.number($0.lambda, digits: 5), .number($0.trainSRCC, digits: 4), .number($0.valSRCC, digits: 4), .number($0.allSRCC, digits: 4), chosen($0)]
        }
        return t
    }

    public func render(_ ctx: RenderContext) -> String {
        switch ctx.format {
        case .json: return json()
        case .csv: return pathTable.csv()
        case .table, .markdown:
            var out = "AdaProxy on \(dataset): proxy \(proxy) → target \(target), norm \(report.norm.rawValue), \(selectionText)\n"
            out += (isCV
                ? "samples: \(report.train.count + report.val.count), pooled by cross-validation and then all used for the fit"
                : "samples: \(report.train.count) train + \(report.val.count) validation")
                + "; SRCC on all \(evaluated) architectures the target measured\n"
            if let raw = report.srccRaw {
                out += raw >= strongMonotonicity
                    ? String(format: "raw SRCC %.4f >= 0.9: strong monotonicity, the proxy can be used as it is\n", raw)
                    : String(format: "raw SRCC %.4f < 0.9: weak monotonicity, adaptation is needed\n", raw)
            }
            out += "\n" + methodsTable.render(ctx)
            var path = pathTable
            path.title = "λ path (unit-free λ: latencies divided by their standard deviation; "
                + (isCV ? "srcc_cv is the pooled out-of-fold SRCC over the samples" : "srcc_val is on the held-out validation rows")
                + "; srcc_all on every architecture, which the choice does not see; ← chosen)"
            out += "\n" + path.render(ctx)
            return out
        }
    }

    func json() -> String {
        let r = report
        var f: [String] = []
        f.append("\"dataset\": \(jsonString(dataset))")
        f.append("\"proxy\": \(jsonString(proxy))")
        f.append("\"target\": \(jsonString(target))")
        f.append("\"norm\": \(jsonString(r.norm.rawValue))")
        f.append("\"selection\": \(jsonString(selectionText))")
        f.append("\"srcc_raw\": \(jsonNumber(r.srccRaw))")
        f.append("\"srcc_proxy_fit\": \(jsonNumber(r.srccProxyFit))")
        f.append("\"srcc_adapted\": \(jsonNumber(r.srccAdapted))")
        f.append("\"srcc_target_only\": \(jsonNumber(r.srccTargetOnly))")
        f.append("\"srcc_train\": \(jsonNumber(r.srccTrain))")
        f.append("\"srcc_val\": \(jsonNumber(r.srccVal))")
        f.append("\"lambda\": \(jsonNumber(r.lambda))")
        f.append("\"lambda_data_units\": \(jsonNumber(r.lambdaInDataUnits))")
        f.append("\"a\": \(jsonNumber(r.a))")
        f.append("\"c\": \(jsonNumber(r.c))")
        f.append("\"b\": [" + r.b.map { jsonNumber($0) }.joined(separator: ", ") + "]")
        f.append("\"train\": [" + r.train.map(String.init).joined(separator: ", ") + "]")
        f.append("\"val\": [" + r.val.map(String.init).joined(separator: ", ") + "]")
        let path = r.path.map {
            "{\"lambda\": \(jsonNumber($0.lambda)), \"srcc_train\": \(jsonNumber($0.trainSRCC)), \"srcc_val\": \(jsonNumber($0.valSRCC)), \"srcc_cv\": \(jsonNumber($0.cvSRCC)), \"srcc_all\": \(jsonNumber($0.allSRCC))}"
        }
        f.append("\"path\": [\n    " + path.joined(separator: ",\n    ") + "\n  ]")
        return "{\n  " + f.joined(separator: ",\n  ") + "\n}\n"
    }

    public var exportExtensions: [String] { ["json", "csv", "md"] }

    public func export(as ext: String) throws -> String {
        switch ext {
        case "json": return json()
        case "csv": return pathTable.csv()
        default: return render(RenderContext(format: .markdown))
        }
    }
}

func formatLambda(_ v: Double) -> String {
    if v == 0 { return "0" }
    return String(format: "%.4g", v)
}
