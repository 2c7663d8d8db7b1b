import OneProxyKit

/// Every terminal style the shell uses, in one place: the only type that writes ANSI escape codes.
///
/// A disabled palette (no colour: `--no-color`, `NO_COLOR`, a pipe, `set color=off`) returns text
/// unchanged, so renderers never test for colour themselves.
public struct Palette: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static let plain = Palette(enabled: false)

    static let reset = "\u{1B}[0m"

    func wrap(_ text: String, _ code: String) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(code)m" + text + Palette.reset : text
    }

    public func bold(_ s: String) -> String { wrap(s, "1") }
    public func dim(_ s: String) -> String { wrap(s, "2") }
    public func heading(_ s: String) -> String { wrap(s, "1") }
    public func error(_ s: String) -> String { wrap(s, "1;31") }
    public func warning(_ s: String) -> String { wrap(s, "33") }
    public func note(_ s: String) -> String { wrap(s, "36") }
    public func prompt(_ s: String) -> String { wrap(s, "1;36") }

    /// The prompt for libedit, which needs each escape sequence bracketed by \u{1}
    /// (EL_PROMPT_ESC) to measure the prompt's width.
    public func lineEditorPrompt(_ s: String) -> String {
        enabled ? "\u{1}\u{1B}[1;36m\u{1}" + s + "\u{1}" + Palette.reset + "\u{1}" : s
    }

    /// Okabe–Ito colours as 256-colour foregrounds, in `Series.colour` order (colour-blind safe).
    static let seriesCodes = ["38;5;25", "38;5;214", "38;5;36", "38;5;166", "38;5;175", "38;5;74", "38;5;227", "38;5;246"]

    public func series(_ i: Int, _ s: String) -> String {
        wrap(s, Palette.seriesCodes[((i % 8) + 8) % 8])
    }

    /// Viridis in `heatLevels` (8) steps as 256-colour backgrounds, with dark ink on the light end.
    static let heatCodes = ["97;48;5;53", "97;48;5;60", "97;48;5;24", "97;48;5;30", "30;48;5;36", "30;48;5;71", "30;48;5;149", "30;48;5;226"]

    /// A heatmap cell at position t (0...1) on its scale; undefined cells are dim.
    public func heat(_ t: Double?, _ s: String) -> String {
        guard let t, t.isFinite else { return dim(s) }
        let k = min(heatLevels - 1, max(0, Int((t * Double(heatLevels)).rounded(.down))))
        return wrap(s, Palette.heatCodes[k])
    }

    /// Table cells styled by value (a correlation vector's column): strong pairs stand out.
    public func cell(_ style: CellStyle, _ s: String) -> String {
        switch style {
        case .strong: return wrap(s, "1;32")
        case .weak: return s
        case .bad: return wrap(s, "31")
        case .dim: return dim(s)
        }
    }

    /// A styled run of a figure drawn by the Kit.
    public func run(_ r: StyledRun) -> String {
        switch r.role {
        case .plain: return r.text
        case .title: return bold(r.text)
        case .axis, .dim: return dim(r.text)
        case .label: return r.text
        case .series(let i): return series(i, r.text)
        case .heat(let t): return heat(t, r.text)
        case .mark: return wrap(r.text, "1;35")
        }
    }

    public func line(_ runs: StyledLine) -> String { runs.map(run).joined() }
}

/// How a table cell stands out on a terminal (ignored by CSV, JSON, Markdown).
public enum CellStyle: Sendable, Equatable {
    case strong, weak, bad, dim
}
