import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// CSV (RFC 4180, header, text labels) and NPY feature files.
final class FeatureFileTests: XCTestCase {
    var directory: TemporaryDirectory!
    override func setUpWithError() throws { directory = try TemporaryDirectory("recombine-features") }
    override func tearDown() { directory.remove() }

    /// Writes `text` to `name` in the test folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appending(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testCSVWithHeaderAndLabelColumn() throws {
        let path = try file("x.csv", "a,b,label\n1,2,0\n3.5,-1,1\n\n")
        let data = try FeatureFiles.csv(path: path, labelColumn: "label", name: "x")
        XCTAssertEqual(data.features, [1, 2, 3.5, -1]); XCTAssertEqual(data.labels, [0, 1]);
        XCTAssertEqual(data.sampleShape, [2])
        XCTAssertNil(data.labelNames)
        XCTAssertEqual(try FeatureFiles.csv(path: path, labelColumn: 2, name: "x").labels, [0, 1])
    }

    func testCSVQuotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
        // A byte-order mark, CRLF line ends, quoted headers and values with commas, a doubled quote,
        // a line break inside a quoted label, spaces around fields.
        let path = try file(
            "quoted.csv",
            "\u{FEFF}\"width, cm\",\"height\",species\r\n"
                + "\"1.5\", 2 ,\"Iris \"\"setosa\"\", wild\"\r\n"
                + "3,\"-4e1\",\"Iris versicolor,\r\ncultivated\"\r\n"
                + " \"5\" ,6,\"Iris \"\"setosa\"\", wild\"\r\n")
        let data = try FeatureFiles.csv(path: path, labelColumn: "species", name: "iris")
        XCTAssertEqual(data.features, [1.5, 2, 3, -40, 5, 6])
        XCTAssertEqual(data.labelNames, ["Iris \"setosa\", wild", "Iris versicolor,\r\ncultivated"])
        XCTAssertEqual(data.labels, [0, 1, 0])
        // The header is found although its first name is quoted and holds the delimiter.
        XCTAssertThrowsError(try FeatureFiles.csv(path: path, labelColumn: "width", name: "iris")) { error in
            XCTAssertTrue(
                "\(error)".contains("no label column 'width' (columns: width, cm, height, species)"), "\(error)")
        }
        let semicolons = try file("semicolons.csv", "a;b\n\"1,5\";2\n")
        XCTAssertThrowsError(try FeatureFiles.csv(path: semicolons, delimiter: ";", name: "x")) { error in
            XCTAssertTrue("\(error)".hasSuffix("semicolons.csv:2:1: '1,5' is not a number in column 'a'"), "\(error)")
        }
    }

    func testCSVTextLabelsAreNumberedInSortedOrderAndTheMappingKept() throws {
        let path = try file("animals.csv", "weight,kind,legs\n4,dog,4\n0.2,bird,2\n5,cat,4\n3,dog,4\n")
        let data = try FeatureFiles.csv(path: path, labelColumn: "kind", name: "animals")
        XCTAssertEqual(data.labelNames, ["bird", "cat", "dog"])
        XCTAssertEqual(data.labels, [2, 0, 1, 2])
        XCTAssertEqual(data.features, [4, 4, 0.2, 2, 5, 4, 3, 4])
        // By index, without a header: the text label column does not make the first row a header.
        let bare = try file("bare.csv", "4,dog\n0.2,bird\n")
        let byIndex = try FeatureFiles.csv(path: bare, labelColumn: 1, name: "bare")
        XCTAssertEqual(byIndex.count, 2); XCTAssertEqual(byIndex.labels, [1, 0]);
        XCTAssertEqual(byIndex.labelNames, ["bird", "dog"])
        // The mapping stays visible through an index range.
        XCTAssertEqual(try SubsetDataset(data, first: 1, last: 2).labelNames, ["bird", "cat", "dog"])
        XCTAssertEqual(TextLabels(["3", "1", "2.0"]), TextLabels(["3", "1", "2.0"]))
        XCTAssertEqual(TextLabels(["3", "1", "2.0"]).values, [3, 1, 2])
        XCTAssertEqual(TextLabels(["10", "9", "x"]).names, ["10", "9", "x"])
    }

    func testCSVErrorsNameFileLineAndColumn() throws {
        func message(_ text: String, header: Bool? = nil, labelColumn: CSVColumn? = nil, delimiter: Character = ",")
            throws -> String
        {
            let path = try file("bad.csv", text)
            do {
                _ = try FeatureFiles.csv(
                    path: path, delimiter: delimiter, header: header, labelColumn: labelColumn, name: "bad")
            } catch { return "\(error)" }
            XCTFail("no error for \(text.debugDescription)"); return ""
        }
        let path = directory.appending("bad.csv").path
        XCTAssertEqual(try message("a,b\n1,2\n3, abc\n"), "\(path):3:4: 'abc' is not a number in column 'b'")
        XCTAssertEqual(try message("1,2\n3,x\n", header: false), "\(path):2:3: 'x' is not a number in column '1'")
        XCTAssertEqual(
            try message("a,b\n1,\n"), "\(path):2:3: empty field (missing values are not supported) in column 'b'")
        XCTAssertEqual(try message("a,b\n1,nan\n"), "\(path):2:3: 'nan' is not a finite number in column 'b'")
        XCTAssertEqual(try message("a,b\n1,2\n\n3\n"), "\(path):4: 1 fields, expected 2 as in the first row")
        XCTAssertEqual(try message("a,b\n1,\"2\n3,4\n"), "\(path):2:3: the quoted field that starts here is not closed")
        XCTAssertEqual(
            try message("a,b\n1,\"2\"x\n"),
            "\(path):2:6: unexpected text after a closing quote (a quote inside a quoted field is written \"\")")
        XCTAssertEqual(try message("a,label\n1,\n", labelColumn: "label"), "\(path):2:3: empty label")
        XCTAssertEqual(
            try message("1,2\n", header: false, labelColumn: "label"),
            "\(path): the label column is given by name ('label'), but the file has no header row; give its index")
        XCTAssertEqual(try message("1,2\n", labelColumn: 5), "\(path): no label column 5 (columns: 0, 1)")
        XCTAssertEqual(try message("a,b\n"), "\(path): no data rows")
        XCTAssertTrue(try message("a,b\n", delimiter: "\"").contains("the delimiter '\"' is not usable"))
        XCTAssertEqual(try message("é,b\n\"ü\",2\n"), "\(path):2:1: 'ü' is not a number in column 'é'")
    }

    func testStandardizationCentresAndScalesEachColumnAndLeavesConstantColumnsAtZero() throws {
        let path = try file("s.csv", "a,b,c,label\n1,10,5,x\n2,20,5,y\n3,60,5,x\n")
        let data = try FeatureFiles.csv(path: path, labelColumn: "label", name: "s").standardized()
        let s = try XCTUnwrap(data.standardization)
        XCTAssertEqual(s.mean, [2, 30, 5])
        assertClose(s.std, [(2.0 / 3).squareRoot(), (1400.0 / 3).squareRoot(), 0], tolerance: 1e-12)
        let z = (2.0 / 3).squareRoot()
        assertClose(
            data.features.map(Double.init), [-1 / z, -20 / s.std[1], 0, 0, -10 / s.std[1], 0, 1 / z, 30 / s.std[1], 0],
            tolerance: 1e-6)
        XCTAssertEqual(data.labels, [0, 1, 0]); XCTAssertEqual(data.labelNames, ["x", "y"])
        XCTAssertThrowsError(
            try FeatureDataset(name: "nan", features: [1, .nan], dimension: 2, labels: nil).standardized()
        ) { error in
            XCTAssertEqual("\(error)", "nan: sample 0, feature 1 is nan; standardize needs finite values")
        }
    }

    func testNPYWrittenByNumpy() throws {
        let file = directory.appending("x.npy"), labels = directory.appending("y.npy")
        try PythonOracle.require(["numpy"])
        try PythonOracle.run(
            "import numpy as np; np.save('\(file.path)', np.arange(12, dtype=np.float32).reshape(3, 2, 2)); np.save('\(labels.path)', np.array([2, 0, 1]))"
        )
        let data = try FeatureFiles.npyDataset(path: file.path, labelsPath: labels.path, name: "x")
        XCTAssertEqual(data.count, 3); XCTAssertEqual(data.dimension, 4); XCTAssertEqual(data.features.last, 11);
        XCTAssertEqual(data.labels, [2, 0, 1])
    }

    /// Labels of a features file may come as an IDX labels file, raw or gzipped (MNIST's), and a
    /// count that differs from the samples' is an error naming the file.
    func testFeatureLabelsFromAnIDXFile() throws {
        let features = directory.appending("z.csv")
        try "1,2\n3,4\n5,6\n".write(to: features, atomically: true, encoding: .utf8)
        let raw: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]
        let plain = directory.appending("labels-idx1-ubyte"), zipped = directory.appending("labels-idx1-ubyte.gz")
        try Data(raw).write(to: plain)
        try runProcess(["gzip", "--keep", plain.path])
        for file in [plain, zipped] {
            let data = try FeatureFiles.csv(path: features.path, labelsPath: file.path, name: "z")
            XCTAssertEqual(data.labels, [7, 0, 9], file.lastPathComponent)
        }
        let short = directory.appending("short-idx1-ubyte")
        try Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 0]).write(to: short)
        XCTAssertThrowsError(try FeatureFiles.csv(path: features.path, labelsPath: short.path, name: "z")) { error in
            XCTAssertEqual("\(error)", "\(short.path): 2 labels for 3 samples")
        }
    }

    /// .npy labels must be integers in a vector: a fraction, NaN, a huge value or a matrix is an error
    /// naming the file (and the label), never a crash or a silent truncation.
    func testNPYLabelsThatAreNotIntegersAreRefused() throws {
        let features = directory.appending("z.csv")
        try "1,2\n3,4\n5,6\n".write(to: features, atomically: true, encoding: .utf8)
        try PythonOracle.require(["numpy"])
        let cases = [
            ("fraction", "np.array([0, 0.5, 1])", "label 1 is 0.5, not an integer"),
            ("nan", "np.array([0, 1, np.nan])", "label 2 is nan, not an integer"),
            ("huge", "np.array([1e30, 1, 2])", "label 0 is 1e+30, not an integer"),
            ("matrix", "np.zeros((3, 2), dtype=np.int64)", "expected labels of shape [N] or [N, 1], found [3, 2]"),
        ]
        for (name, array, message) in cases {
            let path = directory.appending("\(name).npy").path
            try PythonOracle.run("import numpy as np; np.save('\(path)', \(array))")
            XCTAssertThrowsError(try FeatureFiles.csv(path: features.path, labelsPath: path, name: "z"), name) {
                XCTAssertEqual("\($0)", "\(path): \(message)")
            }
        }
        let column = directory.appending("column.npy").path
        try PythonOracle.run("import numpy as np; np.save('\(column)', np.array([[2], [0], [1]], dtype=np.float32))")
        XCTAssertEqual(try FeatureFiles.csv(path: features.path, labelsPath: column, name: "z").labels, [2, 0, 1])
    }

    /// An .npy sample that is NaN, infinite or beyond float32 is an error naming the file, sample and
    /// feature when the data are read, not a NaN loss in the first training step.
    func testNPYSamplesMustBeFinite() throws {
        try PythonOracle.require(["numpy"])
        let cases = [
            ("nan", "x[2, 1] = np.nan", "sample 2, feature 1 is nan; the samples must be finite"),
            ("inf", "x[0, 0] = -np.inf", "sample 0, feature 0 is -inf; the samples must be finite"),
            (
                "huge", "x[3, 1] = 1e300",
                "sample 3, feature 1 is 1e+300, beyond float32's range; the samples must be finite"
            ),
        ]
        for (name, change, message) in cases {
            let path = directory.appending("\(name).npy").path
            try PythonOracle.run("import numpy as np; x = np.zeros((4, 2)); \(change); np.save('\(path)', x)")
            XCTAssertThrowsError(try FeatureFiles.npyDataset(path: path, labelsPath: nil, name: name), name) {
                XCTAssertEqual("\($0)", "\(path): \(message)")
            }
        }
    }

    /// A gzipped CSV reads as the plain file does (run records keep predictions.csv gzipped).
    func testGzippedCSVReadsLikeThePlainFile() throws {
        let plain = try file("x.csv", "a,b,label\n1,2,0\n3.5,-1,1\n")
        let expected = try FeatureFiles.csv(path: plain, labelColumn: .name("label"), name: "x")
        _ = try runProcess(["gzip", "--keep", plain])
        let zipped = try FeatureFiles.csv(path: plain + ".gz", labelColumn: .name("label"), name: "x")
        XCTAssertEqual(zipped.features, expected.features)
        XCTAssertEqual(zipped.labels, [0, 1])
    }
}
