/// Several figures as one SVG document: each figure's own SVG nested in a grid of `columns`
/// columns (nested `<svg>` elements keep each figure's coordinates and styles apart).
///
/// Guarantees: a complete standalone SVG whose size is the grid's; the figures appear in order,
/// left to right, then top to bottom; each keeps its own width and height.
public func combinedSVG(_ figures: [Figure], columns: Int) -> String {
    let parts = figures.map { f -> (body: String, width: Int, height: Int) in
        let svg = f.svg()
        let (w, h) = svgSize(svg)
        return (stripXMLDeclaration(svg), w, h)
    }
    let cols = max(1, min(columns, parts.count))
    var x = 0, y = 0, rowHeight = 0, width = 0
    var body = ""
    for (k, p) in parts.enumerated() {
        if k > 0 && k % cols == 0 { y += rowHeight; x = 0; rowHeight = 0 }
        // Place the nested document by adding x and y to its root element.
        body += p.body.replacingOccurrences(of: "<svg ", with: "<svg x=\"\(x)\" y=\"\(y)\" ", options: [], range: p.body.range(of: "<svg ")) + "\n"
        x += p.width
        width = max(width, x)
        rowHeight = max(rowHeight, p.height)
    }
    let height = y + rowHeight
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
        + "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n" + body + "</svg>\n"
}

/// The `width` and `height` of an SVG document's root element (640 x 420 when absent).
func svgSize(_ svg: String) -> (Int, Int) {
    guard let start = svg.range(of: "<svg ") else { return (640, 420) }
    let tag = svg[start.upperBound...].prefix { $0 != ">" }
    func attribute(_ name: String) -> Int? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        guard let v = Double(tag[r.upperBound...].prefix { $0 != "\"" }), v.isFinite, v > 0, v < 1e6 else { return nil }
        return Int(v)
    }
    return (attribute("width") ?? 640, attribute("height") ?? 420)
}

func stripXMLDeclaration(_ svg: String) -> String {
    guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
    return String(svg[svg.index(after: end)...])
}
