import EdgeRuntime
import EdgeTestSupport
import XCTest
@testable import EdgeVoice

final class WyomingCodecTests: XCTestCase {
    func decodeAll(_ bytes: [UInt8], limits: WyomingDecoder.Limits = .init()) throws -> [WyomingEvent] {
        var d = WyomingDecoder(limits: limits)
        d.append(bytes)
        var out: [WyomingEvent] = []
        while let e = try d.next() { out.append(e) }
        return out
    }

    func testRoundTripByteByByte() throws {
        let events = [
            WyomingEvent(type: "describe"),
            WyomingEvent(type: "audio-start", data: ["rate": .number(16000), "width": .number(2), "channels": .number(1)]),
            WyomingEvent(type: "audio-chunk", data: ["rate": .number(16000), "note": .string("ünï\n\"q\"")], payload: [1, 2, 3, 4]),
            WyomingEvent(type: "audio-stop"),
        ]
        let wire = events.flatMap { $0.encoded() }
        var d = WyomingDecoder()
        var got: [WyomingEvent] = []
        for b in wire {
            d.append([b])
            while let e = try d.next() { got.append(e) }
        }
        XCTAssertEqual(got, events)
        XCTAssertEqual(d.buffered, 0)
    }

    func testHeaderDataIsMergedWithDataBlock() throws {
        let bytes = Array("{\"type\":\"x\",\"data\":{\"a\":1,\"b\":2},\"data_length\":7}\n{\"b\":3}".utf8)
        let e = try XCTUnwrap(try decodeAll(bytes).first)
        XCTAssertEqual(e.data, ["a": .number(1), "b": .number(3)])
    }

    func testEncodedHeaderIsWhatTheReferenceWrites() throws {
        let wire = WyomingEvent(type: "detection", data: ["name": .string("yes")], payload: [9]).encoded()
        let line = String(decoding: wire.prefix(while: { $0 != 10 }), as: UTF8.self)
        XCTAssertEqual(line, "{\"data_length\":14,\"payload_length\":1,\"type\":\"detection\",\"version\":\"\(WyomingEvent.version)\"}")
        XCTAssertEqual(Array(wire.suffix(15)), Array("{\"name\":\"yes\"}".utf8) + [9])
    }

    func expectError(_ bytes: [UInt8], _ code: EdgeError.Code, limits: WyomingDecoder.Limits = .init(),
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decodeAll(bytes, limits: limits), file: file, line: line) { e in
            XCTAssertEqual((e as? EdgeError)?.code, code, "\(e)", file: file, line: line)
        }
    }

    func testUntrustedInputIsRefusedWithErrors() {
        expectError(Array("not json\n".utf8), .protocolError)
        expectError(Array("[1,2]\n".utf8), .protocolError)
        expectError(Array("{\"data\":{}}\n".utf8), .protocolError)                        // no type
        expectError(Array("{\"type\":5}\n".utf8), .protocolError)
        expectError(Array("{\"type\":\"x\",\"data\":[1]}\n".utf8), .protocolError)
        expectError(Array("{\"type\":\"x\",\"data_length\":-1}\n".utf8), .protocolError)
        expectError(Array("{\"type\":\"x\",\"payload_length\":1.5}\n".utf8), .protocolError)
        expectError(Array("{\"type\":\"x\",\"payload_length\":\"9\"}\n".utf8), .protocolError)
        expectError(Array("{\"type\":\"x\",\"payload_length\":99999999999}\n".utf8), .tooLarge)
        expectError(Array("{\"type\":\"x\",\"data_length\":70000}\n".utf8), .tooLarge)
        expectError(Array("{\"type\":\"x\",\"data_length\":3}\nabc".utf8), .protocolError)  // bad data JSON
        expectError(Array(("{\"type\":\"x\",\"a\":" + String(repeating: "[", count: 50_000) + "\n").utf8), .protocolError)
        var small = WyomingDecoder.Limits()
        small.maxHeaderBytes = 100
        expectError([UInt8](repeating: UInt8(ascii: "a"), count: 101), .tooLarge, limits: small)   // no newline yet
        expectError(Array(("{\"type\":\"" + String(repeating: "b", count: 200) + "\"}\n").utf8), .tooLarge, limits: small)
    }

    func testIncompleteEventsWaitForMoreBytes() throws {
        var d = WyomingDecoder()
        d.append(Array("{\"type\":\"x\",\"payload_length\":4}\n12".utf8))
        XCTAssertNil(try d.next())
        d.append(Array("34".utf8))
        XCTAssertEqual(try d.next()?.payload, Array("1234".utf8))
    }

    func testRandomBytesNeverCrash() {
        var rng = SeededRandom(seed: 11)
        let alphabet = Array("{}[]\n\":,0123456789type_lengthpayload".utf8)
        for _ in 0..<300 {
            var d = WyomingDecoder()
            d.append((0..<Int(rng.next() % 300)).map { _ in
                rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            })
            for _ in 0..<10 { guard (try? d.next()) != nil else { break } }
        }
    }
}
