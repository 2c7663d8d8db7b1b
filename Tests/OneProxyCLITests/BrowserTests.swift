import Foundation
import Testing

/// The browser on this machine (Debian's `chromium`; `.ci/run` installs it), if it can draw a page.
let chromium: String? = {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    // A probe: a browser that is installed but cannot start here (no sandbox support, missing
    // libraries) makes the test skip with that reason rather than fail on the notebook.
    guard let dir = try? temporaryDirectory() else { return nil }
    let page = dir.appendingPathComponent("probe.html")
    try? "<p>probe</p>".write(to: page, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("probe.png")
    _ = try? runBrowser(path, ["--screenshot=\(out.path)", "--window-size=200,100", page.absoluteString])
    return FileManager.default.fileExists(atPath: out.path) ? path : nil
}()

/// Runs headless Chromium (as root it needs --no-sandbox) and returns its standard output.
func runBrowser(_ path: String, _ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-dev-shm-usage"] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Width and height from a PNG's IHDR chunk.
func pngSize(_ data: Data) -> (Int, Int)? {
    let b = [UInt8](data.prefix(24))
    guard b.count == 24, b[0] == 0x89, b[1] == 0x50, b[12] == 0x49, b[13] == 0x48 else { return nil }
    func be(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
    return (be(16), be(20))
}

@Suite("The notebook in a real browser", .tags(.heavy), .enabled(if: chromium != nil, "Chromium cannot run here (install Debian's chromium): skipped, not passed"))
struct BrowserTests {
    @Test func theNotebookDrawsWithItsFiguresAtTheirSize() throws {
        let browser = try #require(chromium)
        let dir = try temporaryDirectory()
        let r = try runOneProxy(["--notebook", "nb.html", "-c", """
            d = load oneproxy-nb201; m = srcc d; heatmap m; srcc d true_vpu
            a = adapt d proxy=true_vpu target=eagle_gtx train=20 val=5 seed=2; show a
            """], directory: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let page = dir.appendingPathComponent("nb.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        let figureCount = html.components(separatedBy: "<figure>").count - 1
        #expect(figureCount == 5, "heatmap, bar chart, two scatters, λ path")

        // The screenshot: the size asked for, and far more ink than a blank page of that size.
        let png = dir.appendingPathComponent("nb.png"), blankPNG = dir.appendingPathComponent("blank.png")
        let blank = dir.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        _ = try runBrowser(browser, ["--screenshot=\(png.path)", "--window-size=1200,2400", page.absoluteString])
        _ = try runBrowser(browser, ["--screenshot=\(blankPNG.path)", "--window-size=1200,2400", blank.absoluteString])
        let shot = try Data(contentsOf: png), empty = try Data(contentsOf: blankPNG)
        #expect(pngSize(shot).map { $0 == (1200, 2400) } == true)
        #expect(shot.count > 10 * empty.count, "the page is not blank: \(shot.count) bytes against \(empty.count) for a blank page")
        print("notebook screenshot: \(png.path)")

        // Each figure's drawn size, measured by the browser's layout (a probe script added to a copy).
        let probe = dir.appendingPathComponent("probe.html")
        let script = """
            <script>document.body.setAttribute('data-sizes', JSON.stringify(Array.from(document.querySelectorAll('figure > svg')).map(function (s) { var r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })));</script>
            """
        try html.replacingOccurrences(of: "</body>", with: script + "</body>").write(to: probe, atomically: true, encoding: .utf8)
        let dom = try runBrowser(browser, ["--window-size=1200,2400", "--dump-dom", probe.absoluteString])
        let attribute = try #require(dom.range(of: #"data-sizes="[^"]*""#, options: .regularExpression).map { String(dom[$0]) })
        let json = attribute.dropFirst("data-sizes=\"".count).dropLast().replacingOccurrences(of: "&quot;", with: "\"")
        let sizes = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Int]])
        #expect(sizes.count == figureCount)
        for s in sizes {
            #expect(s.count == 2 && s[0] >= 250 && s[1] >= 150, "a figure drawn at \(s)")
        }
    }
}
