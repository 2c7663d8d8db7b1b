/// Ranks 1...n of `x`, with tied values given the average of the ranks they span (scipy's
/// `rankdata(method="average")`). NaN must not be present: callers drop missing pairs first.
///
/// Guarantees: the ranks sum to n(n+1)/2 and are invariant to any strictly increasing transform of x.
public func averageRanks(_ x: [Double]) -> [Double] {
    let n = x.count
    var order = Array(0..<n)
    order.sort { x[$0] < x[$1] }
    var ranks = [Double](repeating: 0, count: n)
    var i = 0
    while i < n {
        var j = i + 1
        while j < n && x[order[j]] == x[order[i]] { j += 1 }
        // positions i..<j (0-based) share ranks i+1 ... j: their mean is (i + 1 + j) / 2
        let r = Double(i + 1 + j) / 2
        for k in i..<j { ranks[order[k]] = r }
        i = j
    }
    return ranks
}
