import Foundation

#if FUZZING
    /// libFuzzer's entry point (built by Scripts/fuzz with -sanitize=fuzzer,address -DFUZZING).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
        MethodFuzzing.check(UnsafeBufferPointer(start: data, count: size))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func libFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable target's entry as `<Target>_main`; here it hands over to libFuzzer.
    @_cdecl("RecombineFuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var vector = argv
        return libFuzzerRunDriver(&count, &vector) { data, size in fuzzOneInput(data, size) }
    }

    @_silgen_name("LLVMFuzzerMutate")
    func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

    /// Structure-aware mutations for inputs that parse as JSON; libFuzzer's byte mutations otherwise
    /// (and for one call in four, so syntax errors stay covered).
    @_cdecl("LLVMFuzzerCustomMutator")
    public func fuzzMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
        var mutator = MethodMutator(generator: MutationRandom(seed: UInt64(seed) &* 0x2545_F491_4F6C_DD1D))
        if seed % 4 != 0, let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self),
            let mutated = mutator.mutate(text)
        {
            let bytes = Array(mutated.utf8)
            if bytes.count <= maxSize {
                bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: bytes.count) }
                return bytes.count
            }
        }
        return libFuzzerMutate(data, size, maxSize)
    }
#else
    /// Without libFuzzer: `recombine-fuzz [--mutations N] FILE...` checks each file, then N structural
    /// mutations of it, and reports how many inputs were checked (a crash is the failure). Used to replay
    /// findings and as a quick CI smoke run; Scripts/fuzz builds the libFuzzer version.
    @main
    enum FuzzReplay {
        static func main() {
            var arguments = Array(CommandLine.arguments.dropFirst())
            var mutations = 0
            if let i = arguments.firstIndex(of: "--mutations"), i + 1 < arguments.count {
                mutations = Int(arguments[i + 1]) ?? 0
                arguments.removeSubrange(i...(i + 1))
            }
            var checked = 0, valid = 0
            for (n, path) in arguments.enumerated() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("cannot read \(path)\n".utf8)); exit(2)
                }
                var text = String(decoding: data, as: UTF8.self)
                var mutator = MethodMutator(generator: MutationRandom(seed: UInt64(n + 1)))
                for round in 0...mutations {
                    // Even rounds mutate the seed once (mostly still valid: reaches the compiler), odd rounds
                    // keep mutating the previous input (deeper damage: exercises parser and validator).
                    if round > 0, round % 2 == 0 { text = String(decoding: data, as: UTF8.self) }
                    if round > 0, let next = mutator.mutate(text) { text = next }
                    if Array(text.utf8).withUnsafeBufferPointer({ MethodFuzzing.check($0) }) { valid += 1 }
                    checked += 1
                    // restart from the seed now and then
                    if round % 50 == 49 { text = String(decoding: data, as: UTF8.self) }
                }
            }
            print("checked \(checked) inputs (\(valid) valid methods), no crash")
        }
    }
#endif
