/// Typed, path-aware access to one JSON object, so every failure names the exact key.
/// `null` counts as absent: AWS sends `"Subject": null` where other captures omit the key.
struct ObjectReader {
    let fields: [String: JSONValue]
    let path: JSONPath

    init(_ fields: [String: JSONValue], at path: JSONPath) {
        self.fields = fields
        self.path = path
    }

    /// Reads `value` as an object, or throws at `path`.
    init(_ value: JSONValue, at path: JSONPath) throws(EventDecodingError) {
        guard let fields = value.objectValue else {
            throw EventDecodingError(.wrongType(expected: "an object", found: value.typeName), at: path)
        }
        self.init(fields, at: path)
    }

    func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    func string(_ key: String) throws(EventDecodingError) -> String {
        guard let value = try optionalString(key) else {
            throw EventDecodingError(.missing, at: path.appending(key))
        }
        return value
    }

    func optionalString(_ key: String) throws(EventDecodingError) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?:
            throw EventDecodingError(.wrongType(expected: "a string", found: other.typeName), at: path.appending(key))
        }
    }

    func identifier<ID: StringIdentifier>(_ key: String, as type: ID.Type = ID.self) throws(EventDecodingError) -> ID {
        ID(rawValue: try string(key))
    }

    func optionalIdentifier<ID: StringIdentifier>(_ key: String, as type: ID.Type = ID.self) throws(EventDecodingError) -> ID? {
        try optionalString(key).map { ID(rawValue: $0) }
    }

    func enumeration<Value: RawRepresentable & CaseIterable>(_ key: String, as type: Value.Type = Value.self)
        throws(EventDecodingError) -> Value where Value.RawValue == String {
        guard let value = try optionalEnumeration(key, as: type) else {
            throw EventDecodingError(.missing, at: path.appending(key))
        }
        return value
    }

    func optionalEnumeration<Value: RawRepresentable & CaseIterable>(_ key: String, as type: Value.Type = Value.self)
        throws(EventDecodingError) -> Value? where Value.RawValue == String {
        guard let raw = try optionalString(key) else { return nil }
        guard let value = Value(rawValue: raw) else {
            let allowed = Value.allCases.map(\.rawValue)
            throw EventDecodingError(.unknownValue(raw, allowed: allowed), at: path.appending(key))
        }
        return value
    }

    func optionalTimestamp(_ key: String) throws(EventDecodingError) -> Timestamp? {
        guard let raw = try optionalString(key) else { return nil }
        guard let timestamp = Timestamp(parsing: raw) else {
            throw EventDecodingError(.invalidDate(raw), at: path.appending(key))
        }
        return timestamp
    }

    func optionalObject(_ key: String) throws(EventDecodingError) -> ObjectReader? {
        switch fields[key] {
        case nil, .null?: return nil
        case let value?: return try ObjectReader(value, at: path.appending(key))
        }
    }

    func object(_ key: String) throws(EventDecodingError) -> ObjectReader {
        guard let reader = try optionalObject(key) else {
            throw EventDecodingError(.missing, at: path.appending(key))
        }
        return reader
    }

    /// An object whose values must all be strings (`Details`, with its keys containing spaces).
    func stringMap(_ key: String) throws(EventDecodingError) -> [String: String] {
        guard let reader = try optionalObject(key) else { return [:] }
        var map: [String: String] = [:]
        for name in reader.fields.keys {
            map[name] = try reader.optionalString(name)
        }
        return map
    }

    func stringArray(_ key: String) throws(EventDecodingError) -> [String] {
        switch fields[key] {
        case nil, .null?: return []
        case .array(let items)?:
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    let itemPath = path.appending(key).appending(index: index)
                    throw EventDecodingError(.wrongType(expected: "a string", found: item.typeName), at: itemPath)
                }
                strings.append(text)
            }
            return strings
        case let other?:
            throw EventDecodingError(.wrongType(expected: "an array", found: other.typeName), at: path.appending(key))
        }
    }
}
