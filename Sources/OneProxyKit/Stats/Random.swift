/// A small, fast, seedable random number generator (SplitMix64 seeding a xoshiro256**).
///
/// Every random choice in OneProxyKit takes one of these, built from a user-visible seed, so that
/// a saved session replays to the same numbers on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform integer in 0..<n without modulo bias, by Lemire's multiply-and-reject method
    /// ("Fast random integer generation in an interval", 2019), written here so a seed's draws do
    /// not depend on the standard library's `random(in:using:)`, whose algorithm may change between
    /// Swift releases.
    ///
    /// Guarantee: the same sequence of `next()` values gives the same results on every toolchain.
    /// Today it also equals `Int.random(in: 0..<n, using:)` draw for draw (the standard library
    /// uses the same method), so switching to it changed no seeded result. Precondition: n > 0.
    public mutating func nextBounded(_ n: Int) -> Int {
        precondition(n > 0, "the bound of a random draw must be positive")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A uniform double in [0, 1): the top 53 bits of one `next()` times 2⁻⁵³.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in 0..<n (`nextBounded`).
    public mutating func index(below n: Int) -> Int { nextBounded(n) }

    /// A uniform double in [0, 1) (`nextUnit`).
    public mutating func unit() -> Double { nextUnit() }

    /// A uniformly random permutation of 0..<n (Fisher-Yates, deterministic for a seed).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            p.swapAt(i, j)
        }
        return p
    }
}
