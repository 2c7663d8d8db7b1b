/// A figure as data: what to draw, never how. Values in the shell build figures; two back-ends draw
/// them: SVG (`Figure.svg()`, for export and the notebook page) and the terminal
/// (`Figure.terminal(width:color:)`, styled runs of text that the shell's palette colours).
///
/// Keeping figures as plain data lets every target draw the same picture and lets tests check what
/// a figure holds (its points, its marks) without parsing pictures.
public enum Figure: Sendable, Equatable {
    /// A square matrix of values in a given order (the paper's monotonicity heatmap).
    case heatmap(Heatmap)
    /// Points and lines on two numeric axes: scatters, curves, λ paths, Pareto fronts.
    case plot(Plot)
    /// One bar per label (a correlation vector, sorted).
    case bars(BarChart)

    public var title: String {
        switch self {
        case .heatmap(let h): return h.title
        case .plot(let p): return p.title
        case .bars(let b): return b.title
        }
    }
}

/// A numeric axis: its label, unit, scale, and range (nil: fitted to the data with a margin).
public struct Axis: Sendable, Equatable {
    public enum Scale: String, Sendable, Equatable { case linear, log }
    public var label: String
    /// Shown after the label in parentheses: `latency (ms)`.
    public var unit: String?
    public var scale: Scale
    public var range: ClosedRange<Double>?
    /// A log axis that also shows 0 (λ = 0, no penalty): when the data hold a 0, it is drawn at the
    /// axis's start, with its own tick, past a break (`//`) that says the scale is cut there.
    public var zeroBreak: Bool

    public init(_ label: String, unit: String? = nil, scale: Scale = .linear, range: ClosedRange<Double>? = nil, zeroBreak: Bool = false) {
        self.label = label
        self.unit = unit
        self.scale = scale
        self.range = range
        self.zeroBreak = zeroBreak
    }

    /// `label (unit)` or `label`.
    public var title: String { unit.map { "\(label) (\($0))" } ?? label }
}

/// One named series of a plot. `colour` indexes the colour-blind-safe palette (Okabe–Ito order:
/// 0 blue, 1 orange, 2 bluish green, 3 vermillion, 4 reddish purple, 5 sky blue, 6 yellow, 7 grey).
public struct Series: Sendable, Equatable {
    public enum Style: String, Sendable, Equatable {
        /// Dots only (a scatter).
        case points
        /// A polyline through the points in the given order.
        case line
        /// A polyline with a dot at each point.
        case linePoints
        /// A staircase through the points in x order (a Pareto front: each point holds until the next).
        case steps
    }

    public var name: String
    public var style: Style
    public var x: [Double]
    public var y: [Double]
    public var colour: Int
    /// Drawn dashed (in SVG): a second series of the same colour reads as its variant.
    public var dashed = false
    /// The shape of a point series' marks, so series read apart without colour.
    public var shape: PointShape = .dot
    /// A few points that matter (the best under a budget, a search's result): drawn large, opaque
    /// and outlined, over every other series, in SVG and in the terminal.
    public var emphasised = false
    /// Emphasised marks drawn as an outline only (thick, no fill), so a mark under them still shows.
    public var hollow = false
    /// A band around a line (± one standard deviation): the lower and upper y at each x, drawn
    /// as a translucent area in the series' colour under its line (SVG). Both nil, or both as long
    /// as `x`.
    public var bandLow: [Double]?
    public var bandHigh: [Double]?

    /// Point shapes: `dot` is the small translucent mark of a cloud; the others are distinct
    /// outlines for the points a reader must find.
    public enum PointShape: String, Sendable, Equatable, CaseIterable { case dot, circle, diamond, square, triangle, star }

    public init(_ name: String, style: Style, x: [Double], y: [Double], colour: Int) {
        precondition(x.count == y.count, "a series needs as many x as y values")
        self.name = name
        self.style = style
        self.x = x
        self.y = y
        self.colour = colour
    }
}

/// A vertical or horizontal reference line with a label (the chosen λ, a latency budget, 0.9).
public struct Marker: Sendable, Equatable {
    public enum Orientation: String, Sendable, Equatable { case vertical, horizontal }
    public var orientation: Orientation
    public var value: Double
    public var label: String

    public init(_ orientation: Orientation, at value: Double, label: String) {
        self.orientation = orientation
        self.value = value
        self.label = label
    }
}

/// Series on two numeric axes, with optional reference markers and a y = x diagonal.
public struct Plot: Sendable, Equatable {
    public var title: String
    public var x: Axis
    public var y: Axis
    public var series: [Series]
    public var markers: [Marker]
    /// Draw the y = x line (a predicted-against-measured scatter in the same unit).
    public var diagonal: Bool

    public init(title: String, x: Axis, y: Axis, series: [Series], markers: [Marker] = [], diagonal: Bool = false) {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.markers = markers
        self.diagonal = diagonal
    }
}

/// A square matrix drawn as coloured cells, rows and columns in the same (display) order.
public struct Heatmap: Sendable, Equatable {
    public var title: String
    /// Row and column labels in display order.
    public var labels: [String]
    /// `values[i][j]` for labels i, j in display order; nil is undefined.
    public var values: [[Double?]]
    /// How many observations each cell rests on (tooltips), same shape as `values`; may be empty.
    public var counts: [[Int]]
    /// The colour scale's range, fitted to the data (most SRCCs lie in 0.2–1.0).
    public var scale: ClosedRange<Double>
    /// Off-diagonal cells at or above this value are marked (the method's threshold), nil for none.
    public var threshold: Double?
    /// What the mark means, for the legend: `SRCC ≥ 0.9: strong monotonicity`.
    public var thresholdLabel: String
    /// The value's name for the legend: `SRCC`, `Kendall tau-b`.
    public var valueLabel: String

    public init(title: String, labels: [String], values: [[Double?]], counts: [[Int]] = [], scale: ClosedRange<Double>,
                threshold: Double?, thresholdLabel: String, valueLabel: String) {
        self.title = title
        self.labels = labels
        self.values = values
        self.counts = counts
        self.scale = scale
        self.threshold = threshold
        self.thresholdLabel = thresholdLabel
        self.valueLabel = valueLabel
    }

    /// True when some cell is undefined (the legend then explains the grey).
    public var hasUndefined: Bool { values.contains { $0.contains { $0 == nil } } }
}

/// Horizontal bars, one per label, in the given order; nil values are drawn as "undefined".
public struct BarChart: Sendable, Equatable {
    public var title: String
    public var labels: [String]
    public var values: [Double?]
    /// The value axis (label, unit, range; nil range fits the data and includes 0).
    public var axis: Axis
    /// A reference line (0.9 for SRCC) and what it means.
    public var marker: Marker?

    public init(title: String, labels: [String], values: [Double?], axis: Axis, marker: Marker? = nil) {
        precondition(labels.count == values.count, "a bar chart needs one value per label")
        self.title = title
        self.labels = labels
        self.values = values
        self.axis = axis
        self.marker = marker
    }
}

/// A run of text on a terminal line with the role it plays; the shell's palette turns roles into
/// colours (or nothing, when colour is off). The Kit never writes escape codes.
public struct StyledRun: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        case plain, title, axis, label, dim
        /// A series' colour (palette index).
        case series(Int)
        /// A heatmap cell: its value's position on the scale, 0...1 (nil undefined).
        case heat(Double?)
        /// The threshold mark or a marker line.
        case mark
    }

    public var text: String
    public var role: Role

    public init(_ text: String, _ role: Role = .plain) {
        self.text = text
        self.role = role
    }
}

/// One terminal line of a figure.
public typealias StyledLine = [StyledRun]
