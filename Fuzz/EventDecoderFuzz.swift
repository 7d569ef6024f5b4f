// libFuzzer entry point for the event decoder. Compiled together with Sources/RanchhandEvents by
// Fuzz/run.sh (not a SwiftPM target: `-sanitize=fuzzer` needs its own link).
// Any input must end in records or a typed EventDecodingError; every printed line must be JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let records = try? EventDecoder.decode(bytes) else { return 0 }
    for record in records {
        guard let summary = EventSummary(record) else { continue }
        if (try? JSONValue.parse(summary.jsonLine)) == nil {
            fatalError("decode printed a line that is not JSON: \(summary.jsonLine)")
        }
    }
    return 0
}
