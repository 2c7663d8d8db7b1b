import Foundation

// What both figure back-ends share: nice ticks, fitted axis ranges, number formatting that never
// depends on the locale, the colour-blind-safe palette and the sequential heat scale.

extension Figure {
    /// The Okabe–Ito colour-blind-safe palette, indexed by `Series.colour` (and `StyledRun.Role.series`):
    /// 0 blue, 1 orange, 2 bluish green, 3 vermillion, 4 reddish purple, 5 sky blue, 6 yellow, 7 grey.
    public static let palette: [String] = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999",
    ]

    /// The palette colour for a series index (indices wrap around; negative ones count from 0).
    static func paletteColour(_ index: Int) -> String {
        palette[((index % palette.count) + palette.count) % palette.count]
    }
}

// MARK: - Ticks

/// Tick positions at "nice" numbers inside `range` (ends included when they are nice).
///
/// Linear: multiples of one step from 1, 2 or 5 x 10^k, at most `maxCount` ticks, and at least 3
/// whenever the range is not degenerate: the step is refined until 3 fit, and when the 1-2-5 ladder
/// jumps from 2 ticks to more than `maxCount` (-0.25...1 by 0.5 or 0.2), the finer step wins. Log: the powers of ten in
/// the range (every k-th when there are more than `maxCount`), plus the 2 and 5 multiples when the
/// range spans fewer than 3 decades (every integer multiple when those give fewer than 4 and the
/// integers stay within `maxCount` + 3); a log range holding fewer than 2 such ticks falls back to linear
/// ticks. Tick values are computed as integer multiples (k x m / 10^e), so 0.6 is the double nearest
/// 0.6, not 3 x 0.2 with its rounding error. A non-finite or reversed range gives `[]`, an empty one
/// its single value.
public func niceTicks(_ range: ClosedRange<Double>, scale: Axis.Scale = .linear, maxCount: Int = 6) -> [Double] {
    let lo = range.lowerBound, hi = range.upperBound
    guard lo.isFinite, hi.isFinite else { return [] }
    if hi == lo { return [lo] }
    if scale == .log, lo > 0 {
        let ticks = logTicks(lo, hi, maxCount: maxCount)
        if ticks.count >= 2 { return ticks }
    }
    return linearTicks(lo, hi, maxCount: maxCount)
}

/// 10^n exactly for the n where a double holds it exactly (|n| <= 22), by repeated multiplication.
func power10(_ n: Int) -> Double {
    var p = 1.0
    for _ in 0..<min(abs(n), 308) { p *= 10 }
    return n >= 0 ? p : 1 / p
}

/// k x 10^e as the double nearest the decimal number (dividing by an exact power keeps 0.2 as 0.2).
private func decimalValue(_ k: Int, _ e: Int) -> Double {
    e >= 0 ? Double(k) * power10(e) : Double(k) / power10(-e)
}

private func linearTicks(_ lo: Double, _ hi: Double, maxCount: Int) -> [Double] {
    let n = max(2, maxCount)
    let raw = (hi - lo) / Double(n - 1)
    guard raw.isFinite, raw > 0 else { return [lo, hi] }
    // The smallest step m x 10^e (m in 1, 2, 5) not below raw keeps the count <= n.
    var e = Int(log10(raw).rounded(.down))
    var m = [1, 2, 5, 10].first { decimalValue($0, e) >= raw * (1 - 1e-12) } ?? 10
    if m == 10 { m = 1; e += 1 }
    var best: [Double] = []
    for _ in 0..<4 {
        let step = decimalValue(m, e)
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        // Far-from-zero ranges with tiny spans would overflow Int: give the ends instead.
        guard abs(first) < 1e15, abs(last) < 1e15, last - first < 1000 else { return [lo, hi] }
        best = last >= first ? (Int(first)...Int(last)).map { decimalValue($0 * m, e) } : []
        if best.count >= 3 { break }
        // One notch down the 1-2-5 ladder: the count at most 2.5 times larger, so still about <= n.
        switch m {
        case 5: m = 2
        case 2: m = 1
        default: m = 5; e -= 1
        }
    }
    return best
}

private func logTicks(_ lo: Double, _ hi: Double, maxCount: Int) -> [Double] {
    let e0 = Int((log10(lo) - 1e-9).rounded(.up)), e1 = Int((log10(hi) + 1e-9).rounded(.down))
    let decades = log10(hi) - log10(lo)
    if decades < 3 {
        // 1, 2, 5 x 10^k; a narrow range that holds fewer than 4 of them takes every integer
        // multiple (8 to 14 ms: 8, 9, 10, 20 would skip; 8, 9, 10 stay readable as log spacing).
        func multiples(_ ms: [Int]) -> [Double] {
            var ticks: [Double] = []
            for e in (e0 - 1)...(e1 + 1) {
                for m in ms {
                    let v = decimalValue(m, e)
                    if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { ticks.append(v) }
                }
            }
            return ticks
        }
        let coarse = multiples([1, 2, 5])
        if coarse.count >= 4 { return coarse }
        let fine = multiples(Array(1...9))
        return fine.count > coarse.count && fine.count <= max(maxCount, 4) + 3 ? fine : coarse
    }
    guard e1 >= e0 else { return [] }
    let every = max(1, Int((Double(e1 - e0) / Double(max(1, maxCount - 1))).rounded(.up)))
    return stride(from: e0, through: e1, by: every).map { power10($0) }
}

// MARK: - Axis ranges

/// A fitted axis: its data range and scale, mapping values to fractions 0...1 of the axis length.
struct AxisMap {
    var lo: Double
    var hi: Double
    var log: Bool
    /// A log axis with 0 drawn at its start (`Axis.zeroBreak` with a 0 in the data): 0 sits at
    /// `zeroAt`, the break at `breakAt`, and lo...hi spans `logStart`...1 of the axis.
    var zeroSlot = false
    static let zeroAt = 0.03, breakAt = 0.07, logStart = 0.11

    /// Where `v` falls on the axis, 0 at `lo` and 1 at `hi` (outside for values out of range); nil
    /// for values the axis cannot show (non-finite, or not positive on a log axis without a zero slot).
    func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if log {
            if zeroSlot && v == 0 { return Self.zeroAt }
            guard v > 0 else { return nil }
            let f = (log10(v) - log10(lo)) / (log10(hi) - log10(lo))
            return zeroSlot ? Self.logStart + f * (1 - Self.logStart) : f
        }
        return (v - lo) / (hi - lo)
    }

    /// The value at fraction `f` of the axis (the inverse of `fraction`; 0 before the break).
    func value(at f: Double) -> Double {
        guard log else { return lo + f * (hi - lo) }
        if zeroSlot && f < Self.breakAt { return 0 }
        let g = zeroSlot ? (f - Self.logStart) / (1 - Self.logStart) : f
        return pow(10, log10(lo) + g * (log10(hi) - log10(lo)))
    }

    func ticks(maxCount: Int) -> [Double] {
        (zeroSlot ? [0] : []) + niceTicks(lo...hi, scale: log ? .log : .linear, maxCount: maxCount)
    }

    /// The axis range: `axis.range` when it is usable, else the data (and `extra` values, such as
    /// markers) with a 4% margin each side, in log space on a log axis (positive values only).
    /// Never empty: a single value is widened, no data gives 0...1 (log 1...10).
    static func fit(_ axis: Axis, data: [Double], extra: [Double] = []) -> AxisMap {
        let log = axis.scale == .log
        if let r = axis.range, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound,
           !log || r.lowerBound > 0 {
            return AxisMap(lo: r.lowerBound, hi: r.upperBound, log: log)
        }
        let usable = (data + extra).filter { $0.isFinite && (!log || $0 > 0) }
        let zeroSlot = log && axis.zeroBreak && (data + extra).contains(0)
        guard let mn = usable.min(), let mx = usable.max() else {
            return log ? AxisMap(lo: 1, hi: 10, log: true, zeroSlot: zeroSlot) : AxisMap(lo: 0, hi: 1, log: false)
        }
        if log {
            let a = log10(mn), b = log10(mx)
            let margin = b > a ? 0.04 * (b - a) : 0.3
            return AxisMap(lo: pow(10, a - margin), hi: pow(10, b + margin), log: true, zeroSlot: zeroSlot)
        }
        if mx > mn {
            let margin = 0.04 * (mx - mn)
            return AxisMap(lo: mn - margin, hi: mx + margin, log: false)
        }
        let half = mn == 0 ? 0.5 : abs(mn) * 0.1
        return AxisMap(lo: mn - half, hi: mn + half, log: false)
    }

    /// A bar chart's value axis: `axis.range` when usable, else the values and `extra` with 0
    /// included (bars grow from 0), 4% margin on the side away from 0. Linear.
    static func fitBars(_ axis: Axis, data: [Double], extra: [Double]) -> AxisMap {
        if let r = axis.range, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound {
            return AxisMap(lo: r.lowerBound, hi: r.upperBound, log: false)
        }
        let usable = (data + extra).filter(\.isFinite)
        var lo = min(0, usable.min() ?? 0), hi = max(0, usable.max() ?? 1)
        if hi == lo { hi = lo + 1 }
        let margin = 0.04 * (hi - lo)
        if hi > 0 { hi += margin }
        if lo < 0 { lo -= margin }
        return AxisMap(lo: lo, hi: hi, log: false)
    }
}

// MARK: - Numbers as text

/// `value` with exactly `decimals` decimals, rounded half away from zero, never "-0.00", no
/// locale; non-finite values are "nan", "inf", "-inf"; magnitudes too large for exact integer
/// rounding fall back to `scientific`.
func formatFixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
    let d = max(0, min(decimals, 12))
    let scaled = (abs(value) * power10(d)).rounded()
    guard scaled < 9e15 else { return scientific(value) }
    let units = Int64(scaled)
    let sign = value < 0 && units != 0 ? "-" : ""
    if d == 0 { return sign + String(units) }
    let p = Int64(power10(d))
    let frac = String(units % p)
    return sign + String(units / p) + "." + String(repeating: "0", count: d - frac.count) + frac
}

/// `1.5e-7` style: a mantissa with at most 2 decimals (trailing zeros dropped) and an exponent.
func scientific(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return formatFixed(value, decimals: 0) }
    var e = Int(log10(abs(value)).rounded(.down))
    var mantissa = value / pow(10, Double(e))
    if abs(mantissa) >= 9.995 { mantissa /= 10; e += 1 }
    return trimZeros(formatFixed(mantissa, decimals: 2)) + "e" + String(e)
}

/// "0.50" → "0.5", "2.00" → "2".
func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = s
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t.removeLast() }
    return t
}

/// A short label for a value shown on its own (a marker's value): at most 4 significant decimals,
/// trailing zeros dropped.
func shortNumber(_ v: Double) -> String {
    guard v.isFinite else { return formatFixed(v, decimals: 0) }
    if v != 0 && (abs(v) >= 1e7 || abs(v) < 1e-4) { return scientific(v) }
    return trimZeros(formatFixed(v, decimals: 4))
}

/// Labels for a set of ticks: on a linear axis all with the same number of decimals, the fewest
/// that show every tick exactly (at most 6); on a log axis each with its own (0.01, 0.1, 1, 10);
/// scientific notation for very large or very small ticks.
func tickLabels(_ ticks: [Double], log: Bool = false) -> [String] {
    if log && ticks.count > 1 { return ticks.map { $0 == 0 ? "0" : tickLabels([$0]).first ?? "" } }
    let biggest = ticks.map { abs($0) }.max() ?? 0
    let smallestNonzero = ticks.map { abs($0) }.filter { $0 > 0 }.min() ?? 1
    if biggest >= 1e7 || smallestNonzero < 1e-6 { return ticks.map(scientific) }
    let decimals = (0...6).first { d in
        ticks.allSatisfy { v in abs((v * power10(d)).rounded() / power10(d) - v) <= 1e-9 * max(1, abs(v)) }
    } ?? 6
    return ticks.map { formatFixed($0, decimals: decimals) }
}

// MARK: - Heat scale

/// Viridis (perceptually uniform, colour-blind safe) as 9 stops from 0 (dark purple) to 1 (yellow).
let viridisStops: [(Double, Double, Double)] = [
    (68, 1, 84), (71, 44, 122), (59, 82, 139), (44, 114, 142), (33, 145, 140),
    (40, 174, 128), (94, 201, 98), (173, 220, 48), (253, 231, 37),
]

/// The viridis colour at `t` (clamped to 0...1, NaN as 0), interpolated linearly between stops.
func viridisRGB(_ t: Double) -> (Double, Double, Double) {
    let x = t.isNaN ? 0 : max(0, min(1, t)) * Double(viridisStops.count - 1)
    let k = min(Int(x), viridisStops.count - 2)
    let f = x - Double(k)
    let a = viridisStops[k], b = viridisStops[k + 1]
    return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
}

func hexColour(_ rgb: (Double, Double, Double)) -> String {
    func channel(_ c: Double) -> String {
        let hex = String(Int(max(0, min(255, c)).rounded()), radix: 16)
        return hex.count == 1 ? "0" + hex : hex
    }
    return "#" + channel(rgb.0) + channel(rgb.1) + channel(rgb.2)
}

/// True when dark text reads better than white on this background (WCAG relative luminance).
func prefersDarkInk(_ rgb: (Double, Double, Double)) -> Bool {
    func linear(_ c: Double) -> Double {
        let s = c / 255
        return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
    }
    let l = 0.2126 * linear(rgb.0) + 0.7152 * linear(rgb.1) + 0.0722 * linear(rgb.2)
    // Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05): equal at l ≈ 0.179.
    return l > 0.179
}

extension Heatmap {
    /// Where `v` falls on the colour scale, clamped to 0...1 (0 when the scale is empty).
    func position(_ v: Double) -> Double {
        let span = scale.upperBound - scale.lowerBound
        guard span > 0, v.isFinite else { return 0 }
        return max(0, min(1, (v - scale.lowerBound) / span))
    }

    /// The value at row i, column j, nil when undefined or outside a ragged matrix.
    func value(_ i: Int, _ j: Int) -> Double? {
        guard i < values.count, j < values[i].count else { return nil }
        return values[i][j]
    }

    /// True for an off-diagonal cell at or above the threshold (the cells the figure marks).
    func isStrong(_ i: Int, _ j: Int) -> Bool {
        guard i != j, let t = threshold, let v = value(i, j) else { return false }
        return v >= t
    }
}

/// The value a heatmap cell shows at 2 decimals: rounded, except that a value just under the
/// threshold is rounded down, so no cell reads `.90` without the strong mark (0.8966 shows `.89`).
func heatmapShownValue(_ v: Double, threshold: Double?) -> Double {
    guard let t = threshold, v < t, (v * 100).rounded() / 100 >= t else { return v }
    return (v * 100).rounded(.down) / 100
}
