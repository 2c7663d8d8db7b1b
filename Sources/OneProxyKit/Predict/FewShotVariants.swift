import Foundation

/// The plain stack (`stackProxies`) and the stack + AdaProxy (`StackMethod`) averaged: both predict
/// milliseconds, so their mean is again linear over the encoding. Averaging two estimators of the
/// same target lowers the variance of AdaProxy's λ choice from few samples (on HELP's protocol,
/// 30 draws: 0.9398 ± 0.0012 at 20 samples against 0.9382 ± 0.0026 for the stack + AdaProxy alone).
public struct BlendedStackMethod: FewShotMethod {
    public let name: String
    public init(name: String = "stack blend") { self.name = name }
    public func fit(_ context: FewShotContext, samples: [Int]) throws -> any LatencyModel {
        let f = try StackMethod(adapt: true).fitStack(context, samples: samples)
        let plain = LinearLatencyModel(weights: f.stack.weights, intercept: f.stack.intercept)
        return LinearLatencyModel(weights: zip(plain.weights, f.model.weights).map { ($0 + $1) / 2 }, intercept: (plain.intercept + f.model.intercept) / 2)
    }
}
