import Foundation
import Testing

/// The built binary: --safe, scripts replayed from another folder, exit codes of file errors.
@Suite("oneproxy hardening, end to end")
struct HardeningCLITests {
    @Test func safeRefusesWithALocationAndRunInheritsIt() throws {
        let outside = try temporaryDirectory()
        let dir = outside.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "o = load help-ofa\nexport o \"../escaped.csv\"\n".write(to: dir.appendingPathComponent("inner.ops"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["--safe", "-c", "d = load \"/etc/hostname\"; run \"inner.ops\"; export o \"kept.csv\""], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("-c:1:10: error: --safe: refused to read /etc/hostname: it is outside the working folder"), "\(r.stderr)")
        #expect(r.stderr.contains("inner.ops:2:10: error: --safe: refused to write ../escaped.csv"), "\(r.stderr)")
        #expect(r.stdout.contains("wrote o to kept.csv"))
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("escaped.csv").path))
        // A script given on the command line may live anywhere; its statements are checked.
        try "o = load help-ofa\nexport o \"here.csv\"\n".write(to: outside.appendingPathComponent("outer.ops"), atomically: true, encoding: .utf8)
        let s = try runOneProxy(["--safe", outside.appendingPathComponent("outer.ops").path], directory: dir)
        #expect(s.status == 1)
        #expect(s.stderr.contains("outer.ops:2:10: error: --safe: refused to write here.csv"), "\(s.stderr)")
        // Without --safe the same script writes beside itself.
        let u = try runOneProxy([outside.appendingPathComponent("outer.ops").path], directory: dir)
        #expect(u.status == 0, "\(u.stderr)")
        #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("here.csv").path))
    }

    @Test func aSavedSessionReplaysFromAnotherFolder() throws {
        let project = try temporaryDirectory()
        let make = try runOneProxy(["-c", "o = load help-ofa; export o \"mine.csv\"; u = load \"mine.csv\"; s = srcc u titan_rtx_32 v100_64; save \"s\""], directory: project)
        #expect(make.status == 0, "\(make.stderr)")
        let script = project.appendingPathComponent("sessions/s.ops").path
        let elsewhere = try temporaryDirectory()
        let replay = try runOneProxy([script], directory: elsewhere)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("u: mine: 5000 architectures"))
        #expect(replay.stdout.contains("s: SRCC(titan_rtx_32, v100_64)"))
        // Edit the file: the replay warns, naming it; remove it: the error says where it looked.
        let csv = project.appendingPathComponent("mine.csv")
        var text = try String(contentsOf: csv, encoding: .utf8)
        text += "\n"
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let changed = try runOneProxy([script], directory: elsewhere)
        #expect(changed.status == 0)
        #expect(changed.stderr.contains("warning: ../mine.csv changed since the script was saved"), "\(changed.stderr)")
        try FileManager.default.removeItem(at: csv)
        let missing = try runOneProxy([script], directory: elsewhere)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("error: no such file: ../mine.csv (looked in \(project.path))"), "\(missing.stderr)")
    }

    @Test func theNotebookFlagWritesThroughTheSameDoor() throws {
        let dir = try temporaryDirectory()
        try "o = load help-ofa\n".write(to: dir.appendingPathComponent("page.md"), atomically: true, encoding: .utf8)
        let r = try runOneProxy(["page.md", "--notebook", "page.md"], directory: dir)
        #expect(r.status == 73, "the script being run is not overwritten")
        #expect(r.stderr.contains("refused to overwrite page.md"))
        #expect(try String(contentsOf: dir.appendingPathComponent("page.md"), encoding: .utf8) == "o = load help-ofa\n")
    }
}
