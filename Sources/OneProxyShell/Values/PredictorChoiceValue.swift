import OneProxyKit

/// `p = predictor m target=T`: the candidates compared on the samples and the predictor chosen.
public struct PredictorChoiceValue: ModelValue {
    public var dataset: String
    public var space: SpaceKind
    public var target: String
    public var pool: String
    public var samples: [Int]
    public var selectionText: String
    public var choice: PredictorChoice
    /// SRCC on the target's measured rows outside the samples (when it has at least 3).
    public var srccHeldOut: Double?
    public var heldOut: Int

    public var typeName: String { "predictor" }
    public var latencyModel: any LatencyModel { choice.model }
    var chosen: AdviceScore { choice.scores[choice.chosen] }
    public func modelDescription(variable: String) -> String { "\(variable) (\(chosen.name) for \(target))" }
    public var predictedDeviceName: String { target + "_pred" }

    public var summary: String {
        "predictor for \(target): \(chosen.name), leave-one-out SRCC \(format4(chosen.cvSRCC)) on \(samples.count) samples (\(selectionText)); pool: \(pool)"
            + (srccHeldOut.map { String(format: "; SRCC %.4f on the %d measured rows it did not see", $0, heldOut) } ?? "")
    }

    var table: Table {
        var t = Table(columns: ["candidate", "loo_srcc", "low", "high", "chosen"])
        t.rows = choice.scores.enumerated().map { i, s in
            [.text(s.name), .number(s.cvSRCC, digits: 4), .number(s.interval?.low, digits: 3), .number(s.interval?.high, digits: 3),
             .text(i == choice.chosen ? "yes" : (s.name == choice.defaultName ? "default" : ""))]
        }
        t.title = "candidates by leave-one-out SRCC on the samples (95% bootstrap interval)"
        return t
    }

    public var document: Document {
        var blocks: [Block] = [
            .heading("Predictor for \(target) on \(dataset): \(chosen.name)"),
            .text("\(samples.count) samples (\(selectionText)); pool: \(pool)"),
            .table(table),
            .note("chosen: \(chosen.name): \(choice.reason)"),
        ]
        if let srccHeldOut {
            blocks.append(.note(String(format: "SRCC %.4f on the %d rows %@ measured outside the samples (the choice never saw them)", srccHeldOut, heldOut, target)))
        } else {
            blocks.append(.note("leave-one-out SRCC is the estimate: \(target) has no measured row outside the samples to check it on"))
        }
        return Document(blocks)
    }

    /// `export c "c.json"`: the choice, why, and every candidate's row of the table.
    struct JSONForm: Encodable, Sendable {
        var dataset, target, pool: String, samples: [Int], chosen, `default`, reason: String, srcc_held_out: JSONNumber, candidates: JSONValue
    }

    public var jsonForm: any Encodable & Sendable {
        JSONForm(dataset: dataset, target: target, pool: pool, samples: samples, chosen: chosen.name, default: choice.defaultName,
                 reason: choice.reason, srcc_held_out: JSONNumber(srccHeldOut), candidates: table.jsonValue)
    }
}
