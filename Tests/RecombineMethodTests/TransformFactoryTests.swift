import RecombineData
import XCTest

@testable import RecombineMethod

/// Transforms built from their method-file form.
final class TransformFactoryTests: XCTestCase {
    /// Feature vectors take exactly the element-wise transforms (the method checks and the trainer use this rule).
    func testElementwiseTransformsAreTheOnesFeatureVectorsTake() throws {
        let cases = [
            #"{"type": "ToTensor"}"#, #"{"type": "GaussianNoise", "std": 0.2}"#,
            #"{"type": "Normalize", "mean": [0.5], "std": [0.2]}"#,
            #"{"type": "Normalize", "mean": [0.5, 0.5], "std": [0.2, 0.2]}"#,
            #"{"type": "RandomApply", "transforms": [{"type": "GaussianNoise"}]}"#,
            #"{"type": "RandomApply", "transforms": [{"type": "GaussianNoise"}, {"type": "RandomVerticalFlip"}]}"#,
            #"{"type": "RandomErasing"}"#,
            #"{"type": "ColorJitter", "brightness": 0.4}"#, #"{"type": "GaussianBlur", "kernel_size": 3}"#,
            #"{"type": "RandomRotation", "degrees": 5}"#, #"{"type": "RandomEqualize", "p": 1}"#,
        ]
        // As a method's transforms are read: with the schema's defaults filled in.
        let filler = DefaultFiller(
            validator: SchemaValidator(store: try SchemaStore(directory: RepositoryPaths.schema)))
        let elementwise = try cases.map { text in
            let json = filler.fill(try JSONParser.parse(text: text, file: "transform").root, against: "transform.json")
            return try TransformFactory.make(
                TransformSpec(type: json.object!["type"]!.string!, arguments: json.object!, pointer: JSONPointer([]))
            ).isElementwise
        }
        XCTAssertEqual(elementwise, [true, true, true, false, true, false, false, false, false, false, false])
    }
}
