import Foundation

/// Why a spec's options could not be decoded (names the pointer and the option).
public struct OptionDecodingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension JSONObject {
    /// The object decoded into `Options` (snake_case keys as camelCase properties, unless `Options`
    /// names its keys). Methods are read with every schema default filled in, so a non-optional
    /// property is an option that has a schema default or is required; a missing one means the method
    /// was not loaded through `MethodLoader`, and the error names `what`, `pointer` and the option.
    public func decode<Options: Decodable>(_ type: Options.Type = Options.self, at pointer: JSONPointer, what: String)
        throws
        -> Options
    {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Options.self, from: Data(JSONValue.object(self).serialized().utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw OptionDecodingError(
                message:
                    "\(pointer): \(what) has no value for '\(Self.snakeCase(key.stringValue))' (settings without a value in the method file take the schema's default when the file is loaded)"
            )
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? Self.snakeCase($0.stringValue) }.joined(
                separator: "/")
            throw OptionDecodingError(message: "\(pointer)/\(path): \(what): \(context.debugDescription)")
        } catch {
            throw OptionDecodingError(message: "\(pointer): \(what): its settings cannot be read: \(error)")
        }
    }

    /// `lossWeight` → `loss_weight`, `batchAugmentationName1` → `batch_augmentation_name_1` (the
    /// schema's spelling, for messages).
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase || (character.isNumber && !(out.last?.isNumber ?? true)) { out += "_" }
            out += character.lowercased()
        }
        return out
    }
}
