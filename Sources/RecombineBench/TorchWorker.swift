import Foundation

/// A persistent `python3` process that runs the PyTorch side of each benchmark case on request, so
/// our steps and PyTorch's interleave in one invocation on the same machine and thread count.
final class TorchWorker {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    /// Starts the worker; nil when `import torch` fails.
    init?(threads: Int) {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-bench-torch-\(getpid()).py")
        do { try torchScript.write(to: script, atomically: true, encoding: .utf8) } catch { return nil }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, String(threads)]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { return nil }
        guard let ready = readLine(), ready.hasPrefix("ready") else { return nil }
        version = String(ready.dropFirst("ready ".count))
    }

    private(set) var version = ""

    /// Times `steps` training steps of `caseName` after `warmup` steps; returns per-step milliseconds.
    func run(caseName: String, steps: Int, warmup: Int) -> [Double]? {
        input.fileHandleForWriting.write("\(caseName) \(steps) \(warmup)\n".data(using: .utf8)!)
        guard let line = readLine(), !line.hasPrefix("error") else { return nil }
        return line.split(separator: " ").compactMap { Double($0) }
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// The PyTorch versions of the engine benchmark's cases (same shapes, losses and optimizers).
let torchScript = #"""
    import sys, time
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    def dec_ae():
        dims = [784, 500, 500, 2000, 10, 2000, 500, 500, 784]
        layers = []
        for i in range(len(dims) - 1):
            layers.append(nn.Linear(dims[i], dims[i + 1]))
            if i not in (3, len(dims) - 2):
                layers.append(nn.ReLU())
        return nn.Sequential(*layers)

    def conv_ae():
        def block(i, o):
            return [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.Sigmoid()]
        return nn.Sequential(
            *block(1, 64), *block(64, 64),
            nn.Conv2d(64, 64, 2, stride=2), nn.BatchNorm2d(64), nn.Sigmoid(),
            nn.ConvTranspose2d(64, 64, 2, stride=2), nn.BatchNorm2d(64), nn.Sigmoid(),
            *block(64, 64), nn.Conv2d(64, 1, 3, padding=1), nn.Sigmoid())

    def nt_xent(z1, z2, tau):
        z = F.normalize(torch.cat([z1, z2]), dim=1)
        sim = z @ z.t() / tau
        n = z1.shape[0]
        sim.fill_diagonal_(float('-inf'))
        targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
        return F.cross_entropy(sim, targets)

    def make(case):
        if case.startswith('dec_ae'):
            batch = int(case.split('_b')[1])
            model = dec_ae()
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            x = torch.rand(batch, 784)
            def step():
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(model(x), x)
                loss.backward()
                opt.step()
            return step
        if case == 'conv_ae_b256':
            model = conv_ae()
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            x = torch.rand(256, 1, 28, 28)
            def step():
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(model(x), x)
                loss.backward()
                opt.step()
            return step
        if case == 'contrastive_b256':
            enc = dec_ae()[:7]
            head = nn.Sequential(nn.Linear(10, 512), nn.ReLU(), nn.Linear(512, 128))
            params = list(enc.parameters()) + list(head.parameters())
            opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
            v1, v2 = torch.rand(256, 784), torch.rand(256, 784)
            def step():
                opt.zero_grad(set_to_none=True)
                loss = nt_xent(head(enc(v1)), head(enc(v2)), 0.5)
                loss.backward()
                opt.step()
            return step
        raise ValueError(case)

    steps_cache = {}
    print('ready torch ' + torch.__version__, flush=True)
    for line in sys.stdin:
        try:
            case, steps, warmup = line.split()
            if case not in steps_cache:
                steps_cache[case] = make(case)
            step = steps_cache[case]
            for _ in range(int(warmup)):
                step()
            times = []
            for _ in range(int(steps)):
                t0 = time.perf_counter()
                step()
                times.append((time.perf_counter() - t0) * 1000)
            print(' '.join('%.4f' % t for t in times), flush=True)
        except Exception as e:
            print('error ' + str(e).replace('\n', ' '), flush=True)
    """#
