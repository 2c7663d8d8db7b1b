import Testing
@testable import OneProxyShell

@Suite("JSON and documents")
struct DocumentJSONTests {
    @Test func jsonValuesEncodeWithSortedKeysAndNullForNonFinite() {
        let v: JSONValue = ["b": .number(.nan), "a": .ints([1, 2]), "c": .string("x\"y")]
        #expect(v.encoded() == #"{"a":[1,2],"b":null,"c":"x\"y"}"#)
    }

    @Test func wordWrapBreaksAtSpacesWithinTheWidth() {
        let text = String(repeating: "word ", count: 40)
        let wrapped = wrapWords(text, width: 30)
        #expect(wrapped.split(separator: "\n").allSatisfy { $0.count <= 30 })
        #expect(wrapped.replacingOccurrences(of: "\n", with: " ").split(separator: " ").count == 40)
    }
}
