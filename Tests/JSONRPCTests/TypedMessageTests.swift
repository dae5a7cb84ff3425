import Foundation
import Testing
@testable import JSONRPC

@Suite struct EnvelopeParsingTests {
    private func message(_ text: String) throws -> (envelope: JSONValue, params: RawJSON?) {
        try JSONParser.parseMessage(Array(text.utf8))
    }

    @Test func paramsAreKeptAsTheExactBytesTheyArrivedIn() throws {
        let params = #"{"text": "a\"b\\c \u00e9", "n": [1, -2.5e3, {"deep": [true, null]}]}"#
        let (envelope, raw) = try message(#"{"jsonrpc":"2.0","id":4,"method":"m","params": "# + params + "}")
        #expect(raw == RawJSON(Array(params.utf8)))
        // The envelope is classified with an empty stand-in of the same kind.
        #expect(envelope["params"] == [:] && envelope["id"] == 4 && envelope["method"] == "m")
        #expect(try raw?.parsed() == JSONValue.parse(Array(params.utf8)))
    }

    @Test func arrayAndScalarParamsKeepTheirKind() throws {
        #expect(try message(#"{"method":"m","params":[1,2]}"#).envelope["params"] == [])
        #expect(try message(#"{"method":"m","params":5}"#).envelope["params"] == 5)
        #expect(try message(#"{"method":"m"}"#).params == nil)
    }

    @Test func paramsAreCheckedAsStrictlyAsTheRest() {
        for bad in [#"{"a":[1,]}"#, #"{"a" 1}"#, #"["\x"]"#, "[\"raw\u{1}\"]", #"{"a":tru}"#, #"[01]"#, #"{"a":"\ud83"}"#, "[1"] {
            #expect(throws: JSONConversionError.self, "\(bad)") { try message(#"{"method":"m","params":"# + bad + "}") }
        }
    }

    @Test func nestingInParamsIsBoundedToo() throws {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONConversionError.self) { try message(#"{"method":"m","params":"# + deep + "}") }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try message(#"{"method":"m","params":"# + fine + "}").params != nil)
    }

    @Test func onlyTheTopLevelParamsAreSkipped() throws {
        let (envelope, raw) = try message(#"{"method":"m","result":{"params":{"x":1}}}"#)
        #expect(raw == nil && envelope["result"]?["params"] == ["x": 1])
    }
}

@Suite struct TypedParamsTests {
    struct Ping: RequestType {
        static let method = "test/ping"
        typealias Response = String
        var count: Int
        var label: String?
    }

    struct Picky: NotificationType {
        static let method = "test/picky"
        init(from decoder: any Decoder) throws {
            throw ResponseError(.invalidParams, "picky says no")
        }
    }

    struct Anything: NotificationType, ParamsIgnored {
        static let method = "test/anything"
    }

    @Test func paramsDecodeIntoTheTypeTheMethodNames() throws {
        #expect(try Ping.decode(RawJSON(Array(#"{"count": 3, "label": "x"}"#.utf8))).count == 3)
    }

    @Test func wrongParamsAreInvalidParamsNamingTheMethodAndTheMember() {
        for (raw, says) in [(#"{"count": "3"}"#, "count: expected Int"), (#"{}"#, "missing member 'count'"), ("[1]", "expected")] {
            do {
                _ = try Ping.decode(RawJSON(Array(raw.utf8)))
                Issue.record("\(raw) decoded")
            } catch let error as ResponseError {
                #expect(error.code == .invalidParams)
                #expect(error.message.hasPrefix("invalid params for test/ping: ") && error.message.contains(says), "\(error.message)")
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(throws: ResponseError.self) { try Ping.decode(nil) }
    }

    @Test func aResponseErrorFromTheTypeItselfPassesThroughUnchanged() {
        #expect(throws: ResponseError(.invalidParams, "picky says no")) { try Picky.decode(RawJSON(Array("{}".utf8))) }
    }

    @Test func ignoredParamsAcceptAnythingOrNothing() throws {
        _ = try Anything.decode(nil)
        _ = try Anything.decode(RawJSON(Array(#"[1, {"a": null}]"#.utf8)))
    }
}

@Suite struct JSONValueEncoderTests {
    enum Colour: String, Codable { case red, green }

    struct Inner: Codable, Equatable {
        var name: String
        var note: String?
        var ratio: Double
    }

    struct Everything: Codable {
        var int = -3
        var small: Int8 = 7
        var unsigned: UInt64 = 18_446_744_073_709_551_615
        var whole = 2.0
        var fraction = -0.001
        var flag = false
        var colour = Colour.green
        var missing: String? = nil
        var list = [Inner(name: "a", note: nil, ratio: 0.5), Inner(name: "é😀\n", note: "n", ratio: 3)]
        var table = ["x": [1, 2], "y": []]
        var byNumber = [1: "one", 20: "twenty"]
        var date = Date(timeIntervalSinceReferenceDate: 12.5)
        var url = URL(string: "https://example.com/a?b=c")!
        var data = Data([0, 1, 254, 255])
        var nested: [[Inner?]] = [[nil, Inner(name: "b", note: nil, ratio: 1e21)]]
    }

    /// Two keyed containers on one encoder, a nested container and a super encoder: the
    /// shapes hand-written `encode(to:)` methods use.
    struct HandWritten: Encodable {
        enum Keys: String, CodingKey { case a, b, inner, parent }
        func encode(to encoder: any Encoder) throws {
            var first = encoder.container(keyedBy: Keys.self)
            try first.encode(1, forKey: .a)
            var second = encoder.container(keyedBy: Keys.self)
            try second.encode("two", forKey: .b)
            var inner = second.nestedUnkeyedContainer(forKey: .inner)
            try inner.encode(true)
            var object = inner.nestedContainer(keyedBy: Keys.self)
            try object.encodeNil(forKey: .a)
            try Inner(name: "p", note: nil, ratio: 0).encode(to: second.superEncoder(forKey: .parent))
        }
    }

    private func viaJSONEncoder(_ value: some Encodable) throws -> JSONValue {
        try JSONValue.parse(JSONEncoder().encode(value))
    }

    @Test func buildsWhatJSONEncoderWritesAndParsingGivesBack() throws {
        #expect(try JSONValue(encoding: Everything()) == viaJSONEncoder(Everything()))
        #expect(try JSONValue(encoding: HandWritten()) == viaJSONEncoder(HandWritten()))
        #expect(try JSONValue(encoding: [Inner?.none, nil]) == viaJSONEncoder([Inner?.none, nil]))
        #expect(try JSONValue(encoding: "top") == "top")
    }

    @Test func aJSONValueInsideIsTakenAsItIs() throws {
        struct Carrier: Encodable { var data: JSONValue }
        let report: JSONValue = ["id": "r1", "cost": 0.25, "tiers": [["name": "small"]]]
        #expect(try JSONValue(encoding: Carrier(data: report)) == ["data": report])
    }

    @Test func nonFiniteNumbersAreKeptAndWrittenAsNull() throws {
        let value = try JSONValue(encoding: ["x": Double.nan])
        #expect(value["x"]?.doubleValue?.isNaN == true)
        #expect(value.jsonString == #"{"x":null}"#)
    }
}
