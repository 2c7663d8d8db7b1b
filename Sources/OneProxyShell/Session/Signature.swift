import OneProxyKit

/// The help's groups, in the order `help` lists them. An enum, so a command cannot hide from
/// `help` behind a misspelt category.
public enum CommandCategory: String, CaseIterable, Sendable {
    case session, data, monotonicity, predictors
    case manyProxies = "many proxies"
    case search
    case newDevice = "new device"
}

/// What tab completion offers for an argument: after `key=` for an option, or at a positional.
public enum CompletionKind: Sendable {
    /// Nothing beyond the session's general words.
    case general
    /// Fixed words (an option's choices).
    case choices([String])
    /// The devices of the dataset the statement names first.
    case device
    /// Devices and accuracy columns of that dataset (`by=`, `columns=`).
    case deviceOrAccuracy
    /// Accuracy columns of that dataset and accuracy predictors (`acc=`).
    case accuracy
    /// Devices of that dataset and latency predictors: fits, adaptations, stacks, predictors (`lat=`).
    case latency
    /// Variables holding rows (`samples=`, `rows=`: a sample, a plan).
    case rows
    /// Dataset variables (any variable when there is none yet).
    case dataset
    /// Variables of one kind, described for help (`a search`).
    case variables(String, @Sendable (any ShellValue) -> Bool)
    /// Every variable.
    case anyVariable
    /// The bundled datasets' names (and a quote to start a path).
    case bundledDataset
    /// Command names.
    case command
    /// A quoted path.
    case path

    /// The words this kind offers in a session, given the dataset variable named first.
    func words(session: Session, dataset: String?) -> [String] {
        func variables(where keep: (any ShellValue) -> Bool) -> [String] {
            session.variableOrder.filter { session.value(of: $0).map(keep) ?? false }
        }
        let data = (dataset.flatMap { session.value(of: $0) } as? DatasetValue)?.dataset
        switch self {
        case .general: return session.completionWords().filter { commandRegistry[$0] == nil }
        case .choices(let c): return c
        case .device: return data?.deviceNames ?? []
        case .deviceOrAccuracy: return (data?.deviceNames ?? []) + (data?.accuracies.map(\.name) ?? [])
        case .accuracy: return (data?.accuracies.map(\.name) ?? []) + variables { $0 is AccuracyModelValue }
        case .latency: return (data?.deviceNames ?? []) + variables { $0 is any ModelValue }
        case .rows: return variables { $0 is any RowListValue }
        case .dataset:
            let d = variables { $0 is DatasetValue }
            return d.isEmpty ? session.variableOrder : d
        case .variables(_, let keep): return variables(where: keep)
        case .anyVariable: return session.variableOrder
        case .bundledDataset: return BundledDatasets.names + ["\""]
        case .command: return Array(commandRegistry.keys)
        case .path: return ["\""]
        }
    }
}

/// A typed option: its name, value type, default, range or choices, completion and help, declared
/// once. Help and completion read the declaration (`help`), commands read the value
/// (`inv.get(option)`), so the default in the help is the default in the code.
public struct CommandOption<Value: Sendable>: Sendable {
    public let name: String
    /// What it does, without its default (added from `defaultText`).
    public let summary: String
    /// The default as help shows it (nil: no default to state).
    public let defaultText: String?
    public let completion: CompletionKind
    public let defaultValue: Value
    let read: @Sendable (inout Invocation, Located<Expr>) throws -> Value

    public init(_ name: String, default value: Value, defaultText: String?, completion: CompletionKind = .general, summary: String,
                read: @escaping @Sendable (inout Invocation, Located<Expr>) throws -> Value) {
        self.name = name
        self.summary = summary
        self.defaultText = defaultText
        self.completion = completion
        self.defaultValue = value
        self.read = read
    }

    /// The declaration help and completion use.
    public var help: OptionHelp {
        var choices: [String] = []
        if case .choices(let c) = completion { choices = c }
        var h = OptionHelp(name, summary + (defaultText.map { " (default \($0))" } ?? ""), choices: choices)
        h.completion = completion
        return h
    }
}

extension CommandOption where Value == Int {
    /// A whole number within `range`.
    public static func int(_ name: String, default value: Int, range: ClosedRange<Int>, _ summary: String) -> CommandOption {
        CommandOption(name, default: value, defaultText: String(value), summary: summary) { inv, e in try inv.int(e, key: name, range: range) }
    }
}

extension CommandOption where Value == UInt64 {
    /// A random seed (a whole number >= 0).
    public static func seed(_ summary: String, default value: UInt64 = 1) -> CommandOption {
        CommandOption("seed", default: value, defaultText: String(value), summary: summary) { inv, e in UInt64(try inv.int(e, key: "seed", range: 0...Int.max)) }
    }
}

extension CommandOption where Value == Double {
    /// A plain number (or a percentage: `25%` is 0.25) within `range`.
    public static func number(_ name: String, default value: Double, range: ClosedRange<Double>, _ summary: String, defaultText: String? = nil) -> CommandOption {
        CommandOption(name, default: value, defaultText: defaultText ?? formatNumberLiteral(value), summary: summary) { inv, e in try inv.number(e, key: name, range: range) }
    }
}

extension CommandOption where Value == Bool {
    /// on or off (also true/false, yes/no).
    public static func flag(_ name: String, default value: Bool, _ summary: String) -> CommandOption {
        CommandOption(name, default: value, defaultText: value ? "on" : "off", completion: .choices(["on", "off"]), summary: summary) { inv, e in
            try inv.choice(e, key: name, String.truthWords).isTruthy
        }
    }
}

extension CommandOption where Value == Double {
    /// A duration such as 60s or 500ms, in milliseconds, greater than zero and at most `maximum` ms.
    public static func duration(_ name: String, defaultMilliseconds value: Double, maximum: Double, _ summary: String) -> CommandOption {
        let text = value.truncatingRemainder(dividingBy: 1000) == 0 ? formatNumberLiteral(value / 1000) + "s" : formatNumberLiteral(value) + "ms"
        return CommandOption(name, default: value, defaultText: text, summary: summary) { inv, e in
            let ms = try inv.milliseconds(e, name)
            guard ms > 0, ms <= maximum else {
                throw Diagnostic("\(name) must be more than 0 and at most \(formatNumberLiteral(maximum / 1000))s, found \(e.value.sourceText)", at: e.location, length: e.length)
            }
            return ms
        }
    }
}

extension CommandOption where Value == String {
    /// One of a fixed set of words that no enum names.
    public static func word(_ name: String, _ choices: [String], default value: String, _ summary: String) -> CommandOption {
        CommandOption(name, default: value, defaultText: value, completion: .choices(choices), summary: summary) { inv, e in
            try inv.choice(e, key: name, choices)
        }
    }
}

extension CommandOption where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of an enum's cases by raw value; the choices and their completion come from `allCases`.
    public static func choice(_ name: String, default value: Value, _ summary: String) -> CommandOption {
        let all = Value.allCases.map(\.rawValue)
        return CommandOption(name, default: value, defaultText: value.rawValue, completion: .choices(all), summary: summary) { inv, e in
            Value(rawValue: try inv.choice(e, key: name, all))!
        }
    }
}

extension Invocation {
    /// The option's value: parsed and checked when given (errors point at it), else its default.
    public mutating func get<V>(_ o: CommandOption<V>) throws -> V {
        guard let e = option(o.name) else { return o.defaultValue }
        return try o.read(&self, e)
    }

    /// Whether the statement gives the option (marks it used).
    public mutating func has<V>(_ o: CommandOption<V>) -> Bool { option(o.name) != nil }

    /// A plain number or a percentage within `range` (the expression of an option).
    func number(_ e: Located<Expr>, key: String, range: ClosedRange<Double>?) throws -> Double {
        guard case .number(let v, let unit) = e.value else {
            throw Diagnostic("\(key) takes a number, found \(e.value.sourceText)", at: e.location, length: e.length)
        }
        if let unit, unit != "%" {
            throw Diagnostic("\(key) takes a plain number, not a time in \(unit)", at: e.location, length: e.length)
        }
        let x = unit == "%" ? v / 100 : v
        if let range, !range.contains(x) {
            throw Diagnostic("\(key) must be between \(formatNumberLiteral(range.lowerBound)) and \(formatNumberLiteral(range.upperBound)), found \(e.value.sourceText)", at: e.location, length: e.length)
        }
        return x
    }

    /// One of a fixed set of words (the expression of an option).
    func choice(_ e: Located<Expr>, key: String, _ choices: [String]) throws -> String {
        let w: String
        switch e.value {
        case .word(let s), .string(let s): w = s
        case .number(let v, let unit): w = formatNumberLiteral(v) + (unit ?? "")
        default: w = e.value.sourceText
        }
        guard choices.contains(w) else {
            let hint = nearestName(to: w, in: choices).map { "did you mean \($0)?" }
            throw Diagnostic("\(key) must be one of \(choices.joined(separator: ", ")), found \(w)", at: e.location, length: e.length, hint: hint)
        }
        return w
    }
}

// MARK: option groups shared by commands

/// Evolution's settings (`search … method=evolution`): defaults from `EvolutionSettings()`.
enum EvolutionOptions {
    static let defaults = EvolutionSettings()
    static let population = CommandOption.int("population", default: defaults.population, range: 2...100_000, "evolution: architectures per generation")
    static let generations = CommandOption.int("generations", default: defaults.generations, range: 0...1_000_000, "evolution: generations")
    static let parents = CommandOption.number("parents", default: defaults.parentRatio, range: 0.01...1, "evolution: the share of each population kept as parents")
    static let mutation = CommandOption.number("mutation", default: defaults.mutationProbability, range: 0...1, "evolution: the probability that a gene mutates")
    static let seed = CommandOption.seed("evolution: the random seed", default: defaults.seed)
    /// `evaluations=N` or `evaluations=off` (no limit).
    static let evaluations = CommandOption<Int?>(
        "evaluations", default: defaults.maxEvaluations, defaultText: defaults.maxEvaluations.map(String.init) ?? "off",
        summary: "evolution: the most accuracy evaluations (distinct architectures within the budget whose accuracy is read; off for no limit)"
    ) { inv, e in
        if case .word("off") = e.value { return nil }
        return try inv.int(e, key: "evaluations", range: 1...100_000_000)
    }

    static var help: [OptionHelp] { [population.help, generations.help, parents.help, mutation.help, seed.help, evaluations.help] }
    static var names: [String] { help.map(\.name) }

    static func read(_ inv: inout Invocation) throws -> EvolutionSettings {
        var s = EvolutionSettings()
        s.population = try inv.get(population)
        s.generations = try inv.get(generations)
        s.parentRatio = try inv.get(parents)
        s.mutationProbability = try inv.get(mutation)
        s.seed = try inv.get(seed)
        s.maxEvaluations = try inv.get(evaluations)
        return s
    }
}

/// AdaProxy's samples, penalty and λ choice, shared by adapt, adapt targets=, stack and curve (one
/// parse of train, val, seed, folds and norm where there were two).
enum AdaptOptions {
    static let norm = CommandOption<AdaNorm>.choice("norm", default: AdaNorm.l2, "AdaProxy's penalty on b: l2, l1 or linf")
    /// `folds=N` or `folds=loo` (leave-one-out: nil).
    static let folds = CommandOption<Int?>("folds", default: 5, defaultText: "5", completion: .choices(["loo"]),
                                    summary: "cv folds: a number or loo (leave-one-out)") { inv, e in
        if case .word("loo") = e.value { return nil }
        return try inv.int(e, key: "folds", range: 2...10_000)
    }
    static let train = CommandOption.int("train", default: 60, range: 1...100_000,
                                         "training samples (without train=, val=, seed=: every row a sparsely measured target has; with samples=, the first `train` of them)")
    static let val = CommandOption.int("val", default: 10, range: 0...100_000, "validation samples")
    static let seed = CommandOption.seed("the random draw of samples")
    static let select = CommandOption.word("select", ["cv", "val"], default: "cv",
                                           "how λ is chosen: cv (pooled out-of-fold SRCC over all samples) or val (SRCC on the validation rows, as the paper)")
}

/// A few-shot command's samples (stack, advise, predictor): `samples=`, or a seeded draw of `n=`
/// rows the target measured (`Invocation.fewShotSamples`).
enum FewShotOptions {
    /// `n=` with the command's default (stack and advise 10, predictor 20).
    static func n(_ value: Int, _ summary: String = "how many target samples to draw") -> CommandOption<Int> {
        CommandOption.int("n", default: value, range: 3...100_000, summary)
    }
    static let seed = CommandOption.seed("the random draw")
    static let samples = OptionHelp("samples", "the sampled row numbers instead of a draw: a list or a sample variable", completion: .rows)
}

/// What a command's positional arguments are, in order; the last kind repeats (`srcc d a b c`).
public struct Positionals: Sendable {
    public var kinds: [CompletionKind]
    public init(_ kinds: [CompletionKind]) { self.kinds = kinds }
    /// The usual: a dataset variable first.
    public static let dataset = Positionals([.dataset])
    public static let none = Positionals([])

    func kind(at i: Int) -> CompletionKind? {
        guard !kinds.isEmpty else { return nil }
        return i < kinds.count ? kinds[i] : (kinds.count > 1 ? kinds.last : nil)
    }
}
