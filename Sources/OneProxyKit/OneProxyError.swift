/// An error a user can act on: what went wrong, and where (a file, line and column, each optional).
///
/// The science throws these; the shell prints them with its own location information for the
/// command that failed. Lines and columns are 1-based.
public struct OneProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var file: String?
    public var line: Int?
    public var column: Int?

    public init(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var place = ""
        if let file { place += file }
        if let line { place += (place.isEmpty ? "line " : ":") + "\(line)" }
        if let column { place += ":\(column)" }
        return place.isEmpty ? message : "\(place): \(message)"
    }
}
