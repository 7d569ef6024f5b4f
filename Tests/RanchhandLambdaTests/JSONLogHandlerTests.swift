import Foundation
import Logging
import Testing
@testable import RanchhandLambda

@Suite struct JSONLogHandlerTests {
    @Test func eachLineIsOneJSONObjectWithMetadata() throws {
        let lines = Lines()
        var logger = Logger(label: "ranchhand.scale-in") { label in JSONLogHandler(label: label, write: { lines.append($0) }) }
        logger[metadataKey: "instance_id"] = "i-0abc"
        logger.info("step done", metadata: ["step": "drain", "note": "quote \" and\nnewline"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerializationFree.parse(line))
        #expect(object["message"] == "step done")
        #expect(object["level"] == "info")
        #expect(object["instance_id"] == "i-0abc")
        #expect(object["note"] == "quote \" and\nnewline")
        #expect(!line.contains("\n"))
    }
}

/// Decodes a flat string-valued JSON object with JSONDecoder (the project avoids JSONSerialization).
enum JSONSerializationFree {
    static func parse(_ line: String) throws -> [String: String]? {
        try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
    }
}

final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
