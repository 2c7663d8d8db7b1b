// TEMPORARY: replaced by the figure back-ends (FigureSVG.swift, FigureTerminal.swift) at merge.
extension Figure {
    public func svg() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"420\" viewBox=\"0 0 640 420\"><title>\(xmlEscape(title))</title><text x=\"10\" y=\"20\">\(xmlEscape(title))</text></svg>\n"
    }
    public func terminal(width: Int, color: Bool) -> [StyledLine] { [[StyledRun(title, .title)]] }
}
