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

    /// Builds a method-file case from the state our side wrote; returns PyTorch's losses on it
    /// before and after one step (nil when the worker failed; it says why on standard error).
    func load(caseName: String, stateFile: String) -> (before: [Double], after: [Double])? {
        input.fileHandleForWriting.write(Data("load \(caseName) \(stateFile)\n".utf8))
        guard let line = readLine(), !line.hasPrefix("error") else { return nil }
        let parts = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.split(separator: " ").compactMap { Double($0) }
        }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// Loads a step's recorded GEMM calls (JSON) as the case `key`, replayed with `Tensor.addmm_`.
    func loadGEMMReplay(key: String, callsFile: String) -> Bool {
        input.fileHandleForWriting.write(Data("gemm \(key) \(callsFile)\n".utf8))
        guard let line = readLine() else { return false }
        return line == "ok"
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
    import json, math, struct, sys, time, traceback
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

    # Method-file cases: the state (weights, batch, views, centroids, targets) and the method file
    # with its defaults come from our side; the networks and losses are written here as a PyTorch
    # user would write them, with the file's settings.
    def read_safetensors(path):
        with open(path, 'rb') as f:
            data = f.read()
        n = struct.unpack('<Q', data[:8])[0]
        header = json.loads(data[8:8 + n])
        meta = header.pop('__metadata__', {})
        tensors = {}
        for name, v in header.items():
            a, b = v['data_offsets']
            dtype = torch.float32 if v['dtype'] == 'F32' else torch.float64
            raw = bytearray(data[8 + n + a:8 + n + b])
            tensors[name] = (torch.frombuffer(raw, dtype=dtype) if raw else torch.zeros(0, dtype=dtype)).reshape(v['shape']).clone()
        return tensors, meta

    def load_module(module, tensors, prefix):
        own = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        missing, unexpected = module.load_state_dict(own, strict=False)
        missing = [m for m in missing if not m.endswith('num_batches_tracked')]
        if missing or unexpected:
            raise ValueError('%s: missing %s, unexpected %s' % (prefix, missing, unexpected))

    def optimizer(spec, params):
        if spec['type'] == 'Adam':
            return torch.optim.Adam(params, lr=spec['lr'], betas=tuple(spec.get('betas', (0.9, 0.999))),
                                    eps=spec.get('eps', 1e-8), weight_decay=spec.get('weight_decay', 0))
        return torch.optim.SGD(params, lr=spec['lr'], momentum=spec.get('momentum', 0),
                               weight_decay=spec.get('weight_decay', 0), nesterov=spec.get('nesterov', False))

    def phase_of(method, name):
        return next(p for p in method['phases'] if p['name'] == name)

    def cs_divergence(a, kernel, eps_num, eps_den):
        k = a.shape[1]
        nom = a.t() @ kernel @ a
        diag = torch.diagonal(nom)
        den = torch.clamp(diag[:, None] * diag[None, :], min=eps_den).sqrt()
        return torch.triu(torch.clamp(nom, min=eps_num) / den, diagonal=1).sum() * 2 / (k * (k - 1))

    class TensorFlowPdist(torch.autograd.Function):
        # tk-uco's pdist: unclamped squared distances whose gradient is 4(X * rowsum(G) - G X).
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            sq = x.pow(2).sum(1, keepdim=True)
            return sq + sq.t() - 2 * x @ x.t()

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 4 * (x * g.sum(1, keepdim=True) - g @ x)

    def clip_gradients(params, clipping):
        # The method file's gradient_clipping: clip_grad_norm_, or Keras' clipnorm on each tensor.
        if not clipping:
            return
        if clipping.get('scope', 'global') == 'global':
            torch.nn.utils.clip_grad_norm_(params, clipping['max_norm'])
            return
        for p in params:
            if p.grad is not None:
                p.grad.mul_(clipping['max_norm'] / max(p.grad.norm().item(), clipping['max_norm']))

    def ddc_losses(a, hidden, o):
        sq = hidden.pow(2).sum(1)
        if o.get('pdist_gradient') == 'tensorflow':
            d = TensorFlowPdist.apply(hidden)
        else:
            d = torch.clamp(sq[:, None] + sq[None, :] - 2 * hidden @ hidden.t(), min=0)
        sigma2 = max(o['rel_sigma'] * torch.quantile(d.detach().flatten().double(), 0.5).item(), 1e-12)
        kernel = torch.exp(-d / (2 * sigma2))
        n, w = a.shape[0], o.get('loss_weight', 1.0)
        separation = cs_divergence(a, kernel, o['numerator_epsilon'], o['denominator_epsilon'])
        orthogonality = (a.sum(0).pow(2).sum() - a.pow(2).sum()) / (n * (n - 1))
        corners = torch.exp(-(a.pow(2).sum(1, keepdim=True) - 2 * a + 1))
        simplex = cs_divergence(corners, kernel, o['numerator_epsilon'], o['denominator_epsilon'])
        terms = [(o['cluster_separation_weight'], separation), (o['orthogonality_weight'], orthogonality),
                 (o['simplex_corner_weight'], simplex)]
        return [t * (c * w) for c, t in terms if c > 0]

    def ddc_step(tensors, method, phase_name):
        phase = phase_of(method, phase_name)
        o = phase['design_patterns'][0]
        bn = dict(eps=1e-3, momentum=0.01)
        backbone = nn.Sequential(
            nn.Conv2d(1, 32, 5), nn.ReLU(), nn.Conv2d(32, 32, 5), nn.BatchNorm2d(32, **bn), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.BatchNorm2d(32, **bn), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten())
        hidden_part = nn.Sequential(nn.Linear(288, 100), nn.ReLU(), nn.BatchNorm1d(100, **bn))
        output_part = nn.Sequential(nn.Linear(100, 10), nn.Softmax(dim=1))
        load_module(backbone, tensors, 'backbone.net.')
        head = {k.replace('ddc_head.net.', ''): v for k, v in tensors.items() if k.startswith('ddc_head.net.')}
        load_module(hidden_part, {'h.' + k: v for k, v in head.items() if k.split('.')[0] in '012'}, 'h.')
        load_module(output_part, {'o.%d.%s' % (int(k.split('.')[0]) - 3, k.split('.', 1)[1]): v
                                  for k, v in head.items() if k.split('.')[0] in '34'}, 'o.')
        params = list(backbone.parameters()) + list(hidden_part.parameters()) + list(output_part.parameters())
        opt = optimizer(phase['optimizers'][0], params)
        x = tensors['batch']

        def losses():
            hidden = hidden_part(backbone(x))
            return ddc_losses(output_part(hidden), hidden, o)

        def step():
            opt.zero_grad(set_to_none=True)
            sum(losses()).backward()
            clip_gradients(params, phase['optimizers'][0].get('gradient_clipping'))
            opt.step()
        return losses, step

    def nt_xent_of_method(a, b, tau, reused_rows):
        n = a.shape[0]
        a, b = F.normalize(a, dim=1), F.normalize(b, dim=1)
        ab = a @ b.t() / tau
        eye = torch.eye(n, dtype=torch.bool)
        aa = (a @ a.t() / tau).masked_fill(eye, float('-inf'))
        bb = (b @ b.t() / tau).masked_fill(eye, float('-inf'))
        targets = torch.arange(n)
        first = F.cross_entropy(torch.cat([ab, aa], 1), targets)
        second = F.cross_entropy(torch.cat([ab if reused_rows else ab.t(), bb], 1), targets)
        return (first + second) / 2

    def dec_cc_hybrid_finetune_step(tensors, method, phase_name):
        phase = phase_of(method, phase_name)
        p3, p4, p2, p5a, p5b = phase['design_patterns']
        strategy = method['cluster_assignment_strategy']
        power = strategy['student_t_distance_power']
        kernel_as_logits = method.get('numerics') == 'reference'
        encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 500), nn.ReLU(), nn.Linear(500, 500), nn.ReLU(),
                                nn.Linear(500, 2000), nn.ReLU(), nn.Linear(2000, 10))
        head = nn.Sequential(nn.Linear(10, 512), nn.ReLU(), nn.Linear(512, 128))
        load_module(encoder, tensors, 'encoder.net.')
        load_module(head, tensors, 'instance_level_contrastive_head.net.')
        centroids = nn.Parameter(tensors['centroids'].clone())
        params = list(encoder.parameters()) + list(head.parameters()) + [centroids]
        opt = optimizer(phase['optimizers'][0], params)
        x, v1, v2 = tensors['batch'], tensors['view.batch_augmentation_1'], tensors['view.batch_augmentation_2']
        target = tensors['target.2']
        views = {'batch_augmentation_1': 0, 'batch_augmentation_2': 1}

        def student_t(z):
            d = torch.cdist(z, centroids).pow(2)
            kernel = 1 / (1 + (d if power == 2 else d.pow(power / 2)))
            return kernel, kernel / kernel.sum(1, keepdim=True)

        def entropy(q, w):
            p = q.sum(0) / q.abs().sum()
            return ((p * p.clamp(min=1e-8).log()).sum() + math.log(q.shape[1])) * w

        def losses():
            z, z1, z2 = encoder(x), encoder(v1), encoder(v2)
            instance = nt_xent_of_method(head(z1), head(z2), p3['temperature_parameter'], p3['similarity_rows'] == 'reference')
            (_, q1), (_, q2) = student_t(z1), student_t(z2)
            cluster = nt_xent_of_method(q1.t(), q2.t(), p4['temperature_parameter'], p4['similarity_rows'] == 'reference')
            kernel, q = student_t(z)
            logits = kernel if kernel_as_logits else q.clamp(min=1e-30).log()
            kl = F.kl_div(F.log_softmax(logits, dim=1), target, reduction='batchmean')
            kl = kl * (p2['loss_weight'] if p2['apply_loss_weight'] else 1)
            qs = [q1, q2]
            return [instance * p3.get('loss_weight', 1.0), cluster * p4.get('loss_weight', 1.0), kl,
                    entropy(qs[views[p5a['batch_augmentation_name']]], p5a.get('loss_weight', 1.0)),
                    entropy(qs[views[p5b['batch_augmentation_name']]], p5b.get('loss_weight', 1.0))]

        def step():
            opt.zero_grad(set_to_none=True)
            sum(losses()).backward()
            clip_gradients(params, phase['optimizers'][0].get('gradient_clipping'))
            opt.step()
        return losses, step

    method_cases = {'ddc_step': ddc_step, 'dec_cc_hybrid_finetune_step': dec_cc_hybrid_finetune_step}

    def load(case, path):
        tensors, meta = read_safetensors(path)
        losses, step = method_cases[case](tensors, json.loads(meta['method']), meta['phase'])
        before = [t.item() for t in losses()]
        step()
        after = [t.item() for t in losses()]
        steps_cache[case] = step
        return ' '.join('%.10g' % v for v in before) + '|' + ' '.join('%.10g' % v for v in after)

    def gemm_replay(path):
        # The same products one after another, on tensors of the same shapes and leading dimensions;
        # calls that shared an address in our step share storage here too.
        calls = json.load(open(path))
        extents = {}
        def operands(c):
            size = 8 if c['dtype'] == 'float64' else 4
            rows_a = c['k'] if c['transA'] else c['m']
            rows_b = c['n'] if c['transB'] else c['k']
            return [(c['addressA'], rows_a, c['lda'], size), (c['addressB'], rows_b, c['ldb'], size),
                    (c['addressC'], c['m'], c['ldc'], size)]
        for c in calls:
            for address, rows, ld, size in operands(c):
                extents[address] = max(extents.get(address, 0), rows * ld * size)
        storage = {a: torch.rand(max(8, n) // 4) * 2 - 1 for a, n in extents.items()}
        ops = []
        for c in calls:
            dtype = torch.float64 if c['dtype'] == 'float64' else torch.float32
            def view(address, rows, ld, cols):
                return storage[address].view(dtype).as_strided((rows, cols), (ld, 1))
            (aa, ra, lda, _), (ab, rb, ldb, _), (ac, rc, ldc, _) = operands(c)
            a = view(aa, ra, lda, c['m'] if c['transA'] else c['k'])
            b = view(ab, rb, ldb, c['k'] if c['transB'] else c['n'])
            out = view(ac, rc, ldc, c['n'])
            ops.append((a.t() if c['transA'] else a, b.t() if c['transB'] else b, out, c['alpha'], c['beta']))
        def step():
            for a, b, out, alpha, beta in ops:
                out.addmm_(a, b, beta=beta, alpha=alpha)
        return step

    steps_cache = {}
    print('ready torch ' + torch.__version__, flush=True)
    for line in sys.stdin:
        try:
            if line.startswith('gemm '):
                _, key, path = line.split(maxsplit=2)
                steps_cache[key] = gemm_replay(path.strip())
                print('ok', flush=True)
                continue
            if line.startswith('load '):
                _, case, path = line.split(maxsplit=2)
                print(load(case, path.strip()), flush=True)
                continue
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
            traceback.print_exc(file=sys.stderr)
            print('error ' + str(e).replace('\n', ' '), flush=True)
    """#
