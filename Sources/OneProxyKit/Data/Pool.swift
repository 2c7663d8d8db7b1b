/// Devices of other datasets seen on a dataset's rows, so a new device merged into one dataset can
/// learn from the devices of every bundled dataset of its space (help-nb201's 27 for a device
/// merged with oneproxy-nb201, and the reverse).
///
/// Rows are matched by the space's canonical key (NB201: the arch string, which is one-to-one
/// with `nb201_index`; FBNet: `op_idx_list`; OFA: `ks|e|d|r`): a device of `other` gets, on each row
/// of `d`, its latency for the same architecture, or NaN where it did not measure it. Only datasets
/// of the same space match; custom keys never do.
public func devicesOnRows(of d: Dataset, from other: Dataset) -> [Device] {
    guard other.space == d.space, d.space != .custom else { return [] }
    var rowOf: [String: Int] = [:]
    rowOf.reserveCapacity(other.rowCount)
    for (r, k) in other.keys.enumerated() { rowOf[k] = r }
    let map = d.keys.map { rowOf[$0] }
    return other.devices.map { dev in
        Device(name: dev.name, latencies: map.map { $0.map { dev.latencies[$0] } ?? .nan })
    }
}

/// A pool of proxy devices for a target of `d`, as `pool=` names it (`ProxyPoolSpec`): the devices
/// of `d` itself and of every bundled dataset of its space matched onto `d`'s rows, without the
/// target and without any device of the same name (a bundled copy of the target would leak its
/// truth). A name that two datasets share is kept once, from `d` first, then in catalogue order.
/// Devices that measured fewer than 3 of `d`'s rows are left out.
public enum ProxyPoolSpec: Sendable, Equatable {
    /// `d`'s devices and those of every bundled dataset of its space.
    case all
    /// The devices of one dataset (`d` itself by its name, or a bundled dataset).
    case dataset(String)

    /// The pool's devices and the datasets they came from, in order.
    public func devices(for d: Dataset, excluding target: String) throws -> [(device: Device, source: String)] {
        var sources: [(String, [Device])] = []
        switch self {
        case .all:
            sources.append((d.name, d.devices))
            // Only the datasets of d's space are read (the catalogue knows each one's space).
            for info in BundledDatasets.catalog where info.name != d.name && info.space == d.space {
                sources.append((info.name, devicesOnRows(of: d, from: try BundledDatasets.load(info.name))))
            }
        case .dataset(let name):
            if name == d.name {
                sources.append((name, d.devices))
            } else {
                guard let info = BundledDatasets.catalog.first(where: { $0.name == name }) else {
                    throw OneProxyError("no dataset '\(name)': pool= takes all, a bundled dataset (\(BundledDatasets.names.joined(separator: ", "))), \(d.name), or a list of devices")
                }
                guard info.space == d.space else {
                    throw OneProxyError("\(name) holds \(info.space.rawValue) architectures; \(d.name) holds \(d.space.rawValue) ones")
                }
                sources.append((name, devicesOnRows(of: d, from: try BundledDatasets.load(name))))
            }
        }
        var seen: Set<String> = [target]
        var out: [(device: Device, source: String)] = []
        for (source, devices) in sources {
            for dev in devices where !seen.contains(dev.name) {
                seen.insert(dev.name)
                if dev.latencies.lazy.filter({ !$0.isNaN }).count >= 3 { out.append((dev, source)) }
            }
        }
        return out
    }
}
