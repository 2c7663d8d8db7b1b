/// The leaf order of an average-linkage hierarchical clustering of the matrix's columns, for
/// drawing the heatmap with similar devices next to each other.
///
/// Distance is 1 - r (an undefined r counts as distance 1, i.e. unrelated). Agglomeration merges
/// the closest pair of clusters (ties: the pair with the smallest indices), the distance to a
/// merged cluster is the size-weighted mean (UPGMA). Clusters are numbered like scipy (leaves
/// 0..<d, the k-th merge d + k) and the order lists leaves left to right, the lower-numbered child
/// on the left.
///
/// Guarantees: a permutation of 0..<names.count; deterministic; every cluster of the hierarchy is
/// a contiguous run of the order; equal to scipy's `leaves_list(linkage(1 - r, "average"))` when
/// no two candidate merges are at exactly the same distance.
public func clusteredOrder(_ m: CorrelationMatrix) -> [Int] {
    let d = m.names.count
    if d < 2 { return Array(0..<d) }
    // distances between active clusters, indexed by slot (a merged cluster takes the lower slot)
    var dist = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
    for i in 0..<d {
        for j in 0..<d where i != j {
            let r = m.values[i][j]
            dist[i][j] = r.map { 1 - $0 } ?? 1
        }
    }
    var size = [Int](repeating: 1, count: d)
    var clusterID = Array(0..<d)          // scipy-style id of the cluster in each slot
    var active = [Bool](repeating: true, count: d)
    var children: [(Int, Int)] = []        // children of cluster d + k
    for step in 0..<(d - 1) {
        var best = Double.infinity, bi = -1, bj = -1
        for i in 0..<d where active[i] {
            for j in (i + 1)..<d where active[j] && dist[i][j] < best {
                best = dist[i][j]; bi = i; bj = j
            }
        }
        if bi < 0 {
            // only possible with non-finite distances: merge the first two active slots
            let slots = (0..<d).filter { active[$0] }
            bi = slots[0]; bj = slots[1]
        }
        let ci = clusterID[bi], cj = clusterID[bj]
        children.append((min(ci, cj), max(ci, cj)))
        let si = Double(size[bi]), sj = Double(size[bj])
        for k in 0..<d where active[k] && k != bi && k != bj {
            let v = (si * dist[bi][k] + sj * dist[bj][k]) / (si + sj)
            dist[bi][k] = v; dist[k][bi] = v
        }
        size[bi] += size[bj]
        active[bj] = false
        clusterID[bi] = d + step
    }
    // pre-order walk from the root, left (lower id) first
    var order: [Int] = []
    order.reserveCapacity(d)
    var stack = [2 * d - 2]
    while let c = stack.popLast() {
        if c < d { order.append(c); continue }
        let (left, right) = children[c - d]
        stack.append(right)
        stack.append(left)
    }
    return order
}
