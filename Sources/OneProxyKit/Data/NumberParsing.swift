import Foundation

/// Parses a decimal number in `buf[s..<e]` (`[+-]digits[.digits][(e|E)[+-]digits]`, at least one
/// digit before the exponent), correctly rounded to the nearest Double (ties to even), bit for bit
/// what `strtod` gives on the same text. Returns nil for anything else (`nan`, `inf`, hex, spaces,
/// a unit suffix).
///
/// Three routes, fastest first: Clinger's exact path (at most 19 digits whose value fits in 53 bits,
/// times or divided by an exact power of ten ≤ 1e22: one correctly rounded IEEE operation); the
/// Eisel–Lemire algorithm (as in fast_float, Lemire 2021, "Number parsing at a gigabyte per second";
/// the one 128-bit product it takes is always sufficient for ≤ 19 digits: Mushtak & Lemire 2023,
/// "Fast number parsing without fallback"); `strtod` for more than 19 significant digits.
@inline(__always)
func parseDouble(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double? {
    guard let (v, end) = scanDouble(buf, s, e), end == e else { return nil }
    return v
}

/// The longest number (as `parseDouble` reads it) starting at `s` and ending by `e`: its value and
/// where it stops; nil when no number starts at `s` (no digit, or an `e` with no exponent digits).
/// The loader reads a field's number in place this way and checks that a separator follows.
@inline(__always)
func scanDouble(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (Double, Int)? {
    var i = s
    guard i < e else { return nil }
    var negative = false
    if buf[i] == 0x2D || buf[i] == 0x2B { negative = buf[i] == 0x2D; i += 1 }
    var w: UInt64 = 0
    let intStart = i
    while i < e {
        let d = buf[i] &- 0x30
        if d > 9 { break }
        w = w &* 10 &+ UInt64(d)
        i += 1
    }
    var digits = i - intStart
    var exp10 = 0
    if i < e, buf[i] == 0x2E {
        i += 1
        let f0 = i
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            w = w &* 10 &+ UInt64(d)
            i += 1
        }
        exp10 = f0 - i
        digits += i - f0
    }
    guard digits > 0 else { return nil }
    let mantissaEnd = i
    if i < e, buf[i] | 0x20 == 0x65 {  // e or E
        i += 1
        var eneg = false
        if i < e, buf[i] == 0x2D || buf[i] == 0x2B { eneg = buf[i] == 0x2D; i += 1 }
        let x0 = i
        var ev = 0
        while i < e {
            let d = buf[i] &- 0x30
            if d > 9 { break }
            if ev < 100_000 { ev = ev * 10 + Int(d) }
            i += 1
        }
        guard i > x0 else { return nil }
        exp10 += eneg ? -ev : ev
    }
    if digits > 19 {
        // Leading zeros do not count: recount the significant digits.
        var k = intStart, significant = 0
        while k < mantissaEnd, buf[k] == 0x30 || buf[k] == 0x2E { k += 1 }
        while k < mantissaEnd { if buf[k] != 0x2E { significant += 1 }; k += 1 }
        if significant > 19 { return (strtodField(buf, s, i), i) }
    }
    if w == 0 { return (negative ? -0.0 : 0.0, i) }
    if w <= 1 << 53, exp10 >= -22, exp10 <= 22 {
        var v = Double(w)
        if exp10 < 0 { v /= exactPowersOfTen[-exp10] } else if exp10 > 0 { v *= exactPowersOfTen[exp10] }
        return (negative ? -v : v, i)
    }
    let v = eiselLemire(w, exp10)
    return (negative ? -v : v, i)
}

private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// `w * 10^q` correctly rounded, for an exact decimal mantissa `w` (1 ≤ w < 2^64, at most 19 digits):
/// fast_float's `compute_float<binary64>`.
@inline(__always)
func eiselLemire(_ w0: UInt64, _ q: Int) -> Double {
    if q < -342 { return 0 }
    if q > 308 { return .infinity }
    let lz = w0.leadingZeroBitCount
    let w = w0 << UInt64(lz)
    // The product with the 128-bit truncated 5^q, keeping 55 bits of precision (52 + 3).
    let index = 2 * (q + 342)
    let (p1hi, p1lo) = powersOfFive128.withUnsafeBufferPointer { p in w.multipliedFullWidth(by: p[index]) }
    var high = p1hi, low = p1lo
    let mask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
    if high & mask == mask {
        let (p2hi, _) = powersOfFive128.withUnsafeBufferPointer { p in w.multipliedFullWidth(by: p[index + 1]) }
        let (sum, carry) = low.addingReportingOverflow(p2hi)
        low = sum
        if carry { high &+= 1 }
    }
    let upperbit = Int(high >> 63)
    let shift = UInt64(upperbit + 64 - 52 - 3)
    var mantissa = high >> shift
    // power(q) = floor(q * log2(10)) + 63, as fast_float computes it; minus the minimum exponent -1023.
    var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperbit - lz + 1023
    if power2 <= 0 {
        // Subnormal (or zero).
        if -power2 + 1 >= 64 { return 0 }
        mantissa >>= UInt64(-power2 + 1)
        mantissa += mantissa & 1
        mantissa >>= 1
        power2 = mantissa < (1 << 52) ? 0 : 1
        return Double(bitPattern: UInt64(power2) << 52 | mantissa)
    }
    // A product exactly halfway between two doubles: round to even (only possible for small |q|).
    if low <= 1, q >= -4, q <= 23, mantissa & 3 == 1, (mantissa << shift) == high {
        mantissa &= ~1
    }
    mantissa += mantissa & 1
    mantissa >>= 1
    if mantissa >= 2 << 52 {
        mantissa = 1 << 52
        power2 += 1
    }
    mantissa &= ~(1 << 52)
    if power2 >= 0x7FF { return .infinity }
    return Double(bitPattern: UInt64(power2) << 52 | mantissa)
}

/// The C library's correctly rounded conversion, for mantissas of more than 19 significant digits.
func strtodField(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Double {
    var tmp = [CChar](repeating: 0, count: e - s + 1)
    for k in s..<e { tmp[k - s] = CChar(bitPattern: buf[k]) }
    return tmp.withUnsafeBufferPointer { p -> Double in strtod(p.baseAddress!, nil) }
}

/// The common shape of a measured value, read without loops: `digits[.digits]` (at most 7 digits
/// on each side of the point, at least one in all) directly followed by `,`, LF or CR, from
/// `p[i...]` where 16 bytes can be read. Each run of digits is found eight bytes at a time (SWAR),
/// and valued so too, both runs in one word when they fit; the value is exact in one IEEE division (Clinger's path: at most 14 digits, so
/// below 2^53, over an exact power of ten), so it equals `scanDouble`'s bit for bit. Nil for any
/// other shape (a sign, an exponent, a longer run, text): the caller then takes `scanDouble`.
@inline(__always)
func shortDecimal(_ p: UnsafePointer<UInt8>, _ i: Int) -> (Double, Int)? {
    let raw = UnsafeRawPointer(p)
    let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
    let k = digitRunLength(x)
    if k == 8 { return nil }
    // The byte after the integer digits, from the word already read.
    let c = UInt8(truncatingIfNeeded: x &>> UInt64(8 &* k))
    if c != 0x2E {
        guard k > 0, c == 0x2C || c == 0x0A || c == 0x0D else { return nil }
        return (Double(Int64(bitPattern: eightDigitValue(x, k))), i &+ k)
    }
    let y = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i &+ k &+ 1, as: UInt64.self))
    let f = digitRunLength(y)
    if f == 8 { return nil }
    let j = i &+ k &+ 1 &+ f
    let t = p[j]
    guard k &+ f > 0, t == 0x2C || t == 0x0A || t == 0x0D else { return nil }
    let w: UInt64
    if k &+ f <= 8 {
        // Both runs' digits side by side in one word (the point dropped), valued at once.
        let low = (UInt64(1) &<< UInt64(8 &* k)) &- 1
        w = eightDigitValue((x & low) | (y &<< UInt64(8 &* k)), k &+ f)
    } else {
        w = eightDigitValue(x, k) &* powerOfTen(f) &+ eightDigitValue(y, f)
    }
    // (Below 2^53, so the signed conversion is exact and shorter than the unsigned one.)
    return (Double(Int64(bitPattern: w)) / negativePowerDivisor(f), j)   // (f = 0: divided by 1, exact)
}

/// How many of the eight bytes of `x` (first byte in the low lane) are ASCII digits before the
/// first that is not, 0...8. A lane is flagged when b + 0x46 or b - 0x30 sets its high bit, which
/// is exactly when b is not in 0x30...0x39; carries and borrows only run upward from a flagged
/// lane, so the lowest flag is exact.
@inline(__always)
func digitRunLength(_ x: UInt64) -> Int {
    let flags = ((x &+ 0x4646_4646_4646_4646) | (x &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    return flags.trailingZeroBitCount &>> 3
}

/// The value of the first `k` (1...8) ASCII digits of `x` (first digit in the low lane): the digits
/// shifted into the high lanes (zeros before them), then summed in pairs, fours and eights, as
/// fast_float's `parse_eight_digits_unrolled`.
@inline(__always)
func eightDigitValue(_ x: UInt64, _ k: Int) -> UInt64 {
    // (Typed steps: as one expression this took the type checker 0.6 s of every build.)
    let zeros: UInt64 = 0x3030_3030_3030_3030, lanes: UInt64 = 0x0000_00FF_0000_00FF
    let high: UInt64 = 100 &+ (1_000_000 &<< 32), low: UInt64 = 1 &+ (10_000 &<< 32)
    var v: UInt64 = (x &- zeros) &<< UInt64(64 - 8 * k)
    v = v &* 10 &+ (v &>> 8)
    let pairs: UInt64 = (v & lanes) &* high
    let quads: UInt64 = ((v &>> 16) & lanes) &* low
    return ((pairs &+ quads) &>> 32) & 0xFFFF_FFFF
}

/// 10^k for k in 0...8: a table, not a switch, whose jumps mispredict when the numbers' decimals
/// vary (help-nb201's do, 0 to 5 of them).
@inline(__always)
func powerOfTen(_ k: Int) -> UInt64 {
    powersOfTen[k]
}

private let powersOfTen: [UInt64] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

/// 10^k as a Double (exact) for k in 0...8.
@inline(__always)
func negativePowerDivisor(_ k: Int) -> Double {
    Double(powerOfTen(k))
}
