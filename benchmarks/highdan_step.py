"""One training step of the `paper` HighDAN (batch 4, 128 px, CPU): ours vs the official implementation.

A step is everything one iteration of `Train_HighDAN_augsburg.py` does: the source forward, CE + Dice, the
target forward with the feature attention, the two adversarial terms (feature D_f and output-space D_c, LSGAN,
weight 0.01), the backward passes, the generator's Adam step, and the discriminators' step on detached source
and target inputs.

Variants, each in a fresh Python process (so peak RSS is its own):

- `ours`: `c2seg_nb` — `HighDAN(size='paper')`, `HighDANLoss`, a fastai `Learner` with the `DomainAdversarial`
  callback (its default order: the source loss is back-propagated before the target forward, and D_f's scores
  from the attention are reused for the adversarial term);
- `ours, one backward`: the same with `free_source_graph=False` (source and target graphs alive together);
- `ours, channels_last`: the model and the batches in channels-last memory format;
- `ours, torch Adam (foreach)` / `ours, torch Adam (fused)`: `torch.optim.Adam` with the same hyper-parameters
  (through fastai's `OptimWrapper`) in place of fastai's `Adam`, with its multi-tensor or fused kernel;
- `ours, torch.compile`: the model compiled by `torch.compile` (inductor; needs a C++ compiler on the CPU). A
  variant that fails is reported as failed, not timed;
- `official`: the released code's own modules (`networks/HighDAN.py`, `networks/discriminator.py`,
  `loss/criterion.py` of danfenghong/RSE_Cross-city, commit 04ba545) driven by the released loop's statements, on
  the CPU. Only run when `--official` points at a checkout of that repository. Its `utils/highDHA_utils.py`
  imports scikit-image for plotting only; a stand-in module is put in its place if scikit-image is missing.

Before timing, `--official` also checks that the two are the same function: the official weights are copied
into ours (module by module, in the released order) and both models' logits and fused features are compared
on one batch, in eval mode with the feature attention on (the inference path).

Inputs are random (HSI 10 PCA bands, MSI 4, SAR 2, labels 0..13); the same seed for every variant. Each timed
step is the training iteration only: fastai's `fit` also runs one validation batch after the training steps, which
the timer skips. Times are the median over `--steps` (at least 5) steps after one warm-up step, with their spread
(min–max and the interquartile range), since single steps vary widely on a shared machine; `--rounds R` runs the
whole set of variants R times in turn (ours, official, ours, official, ...), so a change of load hits all of them,
and pools each variant's steps. Peak RSS is the process's maximum, and the table also shows it minus the RSS after
the models were built (what the step itself adds). Goal: ours ≤ 0.5× the official time per step.

Usage: python benchmarks/highdan_step.py [--official /path/to/RSE_Cross-city] [--steps 5] [--rounds 2] [--threads N]
       [--variants ours,joint,channels_last,adam_foreach,adam_fused,compile] [--child-timeout 1800] [--quick]
"""
import argparse, json, os, resource, statistics, subprocess, sys, time, types
from functools import partial
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows

BANDS = {'hsi': 10, 'msi': 4, 'sar': 2}
BS, HW, N_CLASSES = 4, 128, 14

def rss_mb() -> float:
    "Current resident set size, MB (Linux)."
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20

def peak_mb() -> float: return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def batches(torch, n):
    g = torch.Generator().manual_seed(0)
    make = lambda: tuple(torch.randn(BS, c, HW, HW, generator=g) for c in BANDS.values())
    return [(make(), torch.randint(0, N_CLASSES, (BS, HW, HW), generator=g), make()) for _ in range(n)]

def run_ours(steps: int, free: bool, variant: str = 'ours') -> dict:
    import torch
    from c2seg_nb.models.highdan import HighDAN, generator_parameters      # before fastai: c2seg_nb.core silences its jit warning
    from fastai.callback.core import Callback
    from fastai.callback.progress import ProgressCallback   # noqa: F401  (Learner.no_bar, and the bar it switches off)
    from fastai.data.core import DataLoaders
    from fastai.data.load import DataLoader
    from fastai.learner import Learner
    from c2seg_nb.callback.adversarial import DomainAdversarial, generator_splitter
    from c2seg_nb.methods.highdan import HighDANLoss
    from c2seg_nb.methods.registry import method_spec
    torch.manual_seed(0)
    data = batches(torch, steps + 1)
    items = [tuple(x[i] for x in xs) + (y[i],) for xs, y, _ in data for i in range(BS)]
    train = DataLoader(items, bs=BS, shuffle=False, drop_last=True)
    dls = DataLoaders(train, DataLoader(items[:BS], bs=BS))
    dls.n_inp, dls.target = 3, iter([t for *_, t in data])
    model = HighDAN(BANDS, N_CLASSES, size='paper')
    cb = DomainAdversarial(('feature', 'output'), gan='lsgan', weights=0.01, free_source_graph=free)
    times, extra = [], []
    class Timer(Callback):
        order, run_valid = 100, False                 # after the discriminators' step in `after_batch`; training steps only
        def after_batch(self): times.append(time.perf_counter() - self.t0)
    class StartClock(Callback):
        order, run_valid = -10, False                 # before everything in `before_batch`
        def before_batch(self): self.learn.timer.t0 = time.perf_counter()
    opt_func = method_spec('highdan').opt_func
    if variant == 'channels_last':
        model = model.to(memory_format=torch.channels_last)
        class ChannelsLast(Callback):
            order = -5                                # inside the timed step: the conversion is part of its cost
            def before_batch(self): self.learn.xb = tuple(x.contiguous(memory_format=torch.channels_last) for x in self.xb)
        extra.append(ChannelsLast())
    if variant in ('adam_foreach', 'adam_fused'):       # torch.optim.Adam with fastai Adam's settings for HighDAN (torch's defaults)
        from fastai.optimizer import OptimWrapper
        kind = {'adam_foreach': dict(foreach=True), 'adam_fused': dict(fused=True)}[variant]
        opt_func = partial(OptimWrapper, opt=partial(torch.optim.Adam, betas=(0.9, 0.999), eps=1e-8, weight_decay=0., **kind))
    if variant == 'compile':
        model = torch.compile(model)
        cb = DomainAdversarial(('feature', 'output'), gan='lsgan', weights=0.01, free_source_graph=free)
    learn = Learner(dls, model, loss_func=HighDANLoss(), opt_func=opt_func, lr=1e-4,
                    splitter=generator_splitter if variant != 'compile' else (lambda m: generator_splitter(m._orig_mod)),
                    cbs=[cb, Timer(), StartClock()] + extra)
    built = rss_mb()
    with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4)
    return dict(params=generator_parameters(model), times=times[1:], built_mb=built, peak_mb=peak_mb())

def _import_official(repo: str):
    try: import skimage                                   # noqa: F401  (only the repo's plotting helpers use it)
    except ImportError: sys.modules['skimage'] = types.SimpleNamespace(color=None)
    sys.path.insert(0, repo)

def check_same_function(repo: str) -> dict:
    "Copy the official weights into ours and compare logits and fused features on one batch (eval mode, attention on)."
    import torch
    _import_official(repo)
    from networks.HighDAN import HighResolutionNet
    from networks.discriminator import FCDiscriminator
    from c2seg_nb.models.highdan import HighDAN
    torch.manual_seed(0)
    off, d_f, ours = HighResolutionNet(BANDS['hsi'], N_CLASSES), FCDiscriminator(720 * 3), HighDAN(BANDS, N_CLASSES, size='paper')
    for mod in off.modules():                             # non-trivial BatchNorm statistics, so eval mode tests them too
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5); mod.weight.data.uniform_(0.5, 1.5); mod.bias.data.uniform_(-0.1, 0.1)
    off_groups = [['conv1', 'bn1', 'conv2', 'bn2'], ['conv_msi', 'bn_msi'], ['conv_sar', 'bn_sar'], ['layer1'], ['msi_layer1'], ['sar_layer1'],
                  ['transition1'], ['stage2'], ['transition2'], ['stage3'], ['transition3'], ['stage4'], ['last_layer', 'transconv', 'final_conv']]
    our_groups = [['stems.hsi'], ['stems.msi'], ['stems.sar'], ['layer1.hsi'], ['layer1.msi'], ['layer1.sar'], ['body.transitions.0'],
                  ['body.stages.0'], ['body.transitions.1'], ['body.stages.1'], ['body.transitions.2'], ['body.stages.2'], ['decoder']]
    sd_off, sd_ours = off.state_dict(), ours.state_dict()
    pick = lambda sd, prefixes: [k for p in prefixes for k in sd if k == p or k.startswith(p + '.')]
    mapping = {}
    for og, ug in zip(off_groups, our_groups):
        ko, ku = pick(sd_off, og), pick(sd_ours, ug)
        assert len(ko) == len(ku), (og, ug, len(ko), len(ku))
        for a, b in zip(ko, ku):
            assert sd_off[a].shape == sd_ours[b].shape, (a, b, sd_off[a].shape, sd_ours[b].shape)
            mapping[b] = sd_off[a]
    for a, b in zip(d_f.state_dict().values(), [k for k in sd_ours if k.startswith('feature_disc.')]): mapping[b] = a
    assert set(mapping) == set(sd_ours), sorted(set(sd_ours) - set(mapping))[:5]
    ours.load_state_dict(mapping)
    off.eval(); d_f.eval(); ours.eval()
    g = torch.Generator().manual_seed(1)
    xs = [torch.randn(2, c, HW, HW, generator=g) for c in BANDS.values()]
    with torch.no_grad():
        feat_off, logits_off = off(*xs, [d_f], 'target')
        logits_ours = ours(*xs)
    return dict(tensors=len(mapping), logits_max_abs_diff=float((logits_off - logits_ours).abs().max()),
                logits_scale=float(logits_off.abs().max()), features_max_abs_diff=float((feat_off - ours.features).abs().max()))

def run_official(steps: int, repo: str) -> dict:
    import torch, torch.nn as nn, torch.nn.functional as F
    _import_official(repo)
    from networks.HighDAN import HighResolutionNet
    from networks.discriminator import FCDiscriminator, OutspaceDiscriminator
    from loss.criterion import CrossEntropy, DiceLoss
    from utils.highDHA_utils import adjust_learning_rate, adjust_learning_rate_D
    torch.manual_seed(0)
    data = batches(torch, steps + 1)
    model = HighResolutionNet(BANDS['hsi'], N_CLASSES)
    model_DA = nn.ModuleList([FCDiscriminator(num_classes=720 * 3), OutspaceDiscriminator(num_classes=N_CLASSES)])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, weight_decay=0)
    optimizer_D = torch.optim.Adam(model_DA.parameters(), lr=1e-4, betas=(0.9, 0.99))
    ce, dice, mse = CrossEntropy(ignore_label=0), DiceLoss(ignore_label=0, smooth=1e-5, p=1), nn.MSELoss()
    built, times = rss_mb(), []
    for it, ((x, y, z), label, (xt, yt, zt)) in enumerate(data):          # the released loop's body, on the CPU
        t0 = time.perf_counter()
        model.train(); model_DA.train()
        optimizer.zero_grad(); adjust_learning_rate(optimizer, 1e-4, it, 6000, 0.9)
        optimizer_D.zero_grad(); adjust_learning_rate_D(optimizer_D, 1e-4, it, 6000, 0.9)
        for p in model_DA.parameters(): p.requires_grad = False
        feat_s, pred_s = model(x, y, z, model_DA, 'source')
        loss = ce(pred_s, label) + dice(pred_s, label)
        loss.backward()
        feat_t, pred_t = model(xt, yt, zt, model_DA, 'target')
        d = model_DA[0](feat_t); loss_adv = mse(d, torch.zeros_like(d))
        d = model_DA[1](F.softmax(pred_t, dim=1)); loss_adv = (loss_adv + mse(d, torch.zeros_like(d))) * 0.01
        loss_adv.backward()
        optimizer.step()
        for p in model_DA.parameters(): p.requires_grad = True
        d = model_DA[0](feat_s.detach()); ls = mse(d, torch.zeros_like(d))
        d = model_DA[1](F.softmax(pred_s.detach(), dim=1)); ls = ls + mse(d, torch.zeros_like(d))
        ls.backward()
        d = model_DA[0](feat_t.detach()); lt = mse(d, torch.ones_like(d))
        d = model_DA[1](F.softmax(pred_t.detach(), dim=1)); lt = lt + mse(d, torch.ones_like(d))
        lt.backward()
        optimizer_D.step()
        times.append(time.perf_counter() - t0)
    return dict(params=sum(p.numel() for p in model.parameters()), times=times[1:], built_mb=built, peak_mb=peak_mb())

def child(args):
    import torch
    if args.threads: torch.set_num_threads(args.threads)
    if args.variant == 'check': out = check_same_function(args.official)
    elif args.variant == 'official': out = run_official(args.steps, args.official)
    else: out = run_ours(args.steps, args.variant != 'joint', args.variant)
    print('RESULT ' + json.dumps(out))

NAMES = {'ours': 'ours', 'joint': 'ours, one backward', 'channels_last': 'ours, channels_last', 'adam_foreach': 'ours, torch Adam (foreach)',
         'adam_fused': 'ours, torch Adam (fused)', 'compile': 'ours, torch.compile', 'official': 'official'}

def spread(times) -> str:
    "median [min–max], IQR of step times, seconds."
    q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return f"{statistics.median(times):.2f} [{min(times):.2f}–{max(times):.2f}], IQR {q[2] - q[0]:.2f}"

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--official', help='checkout of danfenghong/RSE_Cross-city (commit 04ba545)')
    ap.add_argument('--steps', type=int, default=5, help='timed steps per round after one warm-up step (at least 5 for a result)')
    ap.add_argument('--rounds', type=int, default=1, help='run every variant this many times in turn, pooling the steps')
    ap.add_argument('--variants', default='ours,joint,channels_last,adam_foreach,adam_fused,compile', help='our variants, comma-separated')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    ap.add_argument('--child-timeout', type=int, default=1800, help='seconds one variant may take (torch.compile can take very long on a CPU)')
    ap.add_argument('--quick', action='store_true', help='check the script: 2 steps per variant, one round, nothing recorded')
    ap.add_argument('--variant', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.variant: return child(args)
    if args.quick: args.steps, args.rounds = 2, 1
    elif args.steps < 5: sys.exit("--steps must be at least 5: single steps vary widely on a shared machine (use --quick to check the script)")
    keys = [v for v in args.variants.split(',') if v] + (['official'] if args.official else [])
    bad = [k for k in keys if k not in NAMES]
    if bad: sys.exit(f"unknown variants {bad}; choose from {list(NAMES)[:-1]}")
    if args.official:
        res = subprocess.run([sys.executable, __file__, '--variant', 'check', '--official', args.official], capture_output=True, text=True)
        line = [l for l in res.stdout.splitlines() if l.startswith('RESULT ')]
        if res.returncode or not line: sys.exit(f"the equivalence check failed:\n{res.stderr[-3000:]}")
        c = json.loads(line[0][7:])
        print(f"same function: {c['tensors']} tensors copied from the official model; max |Δ logits| {c['logits_max_abs_diff']:.2e} "
              f"(logits up to {c['logits_scale']:.1f}), max |Δ features| {c['features_max_abs_diff']:.2e}", flush=True)
    rows, failed = {}, {}
    for rnd in range(args.rounds):
        for k in keys:
            if k in failed: continue
            cmd = [sys.executable, __file__, '--variant', k, '--steps', str(args.steps), '--threads', str(args.threads)] + (['--official', args.official] if args.official else [])
            try: res = subprocess.run(cmd, capture_output=True, text=True, timeout=args.child_timeout)
            except subprocess.TimeoutExpired:
                res = subprocess.CompletedProcess(cmd, 124, '', f'no result within --child-timeout {args.child_timeout} s')
            line = [l for l in res.stdout.splitlines() if l.startswith('RESULT ')]
            if res.returncode or not line:
                if k in ('ours', 'official'): sys.exit(f"{NAMES[k]} failed:\n{res.stderr[-3000:]}")
                failed[k] = (res.stderr.strip().splitlines() or ['no output'])[-1][:200]
                print(f"{NAMES[k]}: failed ({failed[k]})", flush=True); continue
            r = json.loads(line[0][7:])
            if k in rows: rows[k]['times'] += r['times']; rows[k]['peak_mb'] = max(rows[k]['peak_mb'], r['peak_mb'])
            else: rows[k] = r
            print(f"round {rnd + 1}, {NAMES[k]}: {spread(r['times'])} s/step, peak {r['peak_mb']:.0f} MB", flush=True)
    import torch
    n = args.steps * args.rounds
    print(f"\nHighDAN `paper`, batch {BS}, {HW} px, CPU ({torch.get_num_threads() if not args.threads else args.threads} threads), "
          f"{n} timed training steps per variant ({args.rounds} round(s) of {args.steps} after a warm-up); validation not timed\n")
    print('| variant | generator params | s / step: median [min–max], IQR | vs ours | peak RSS (MB) | peak − after build (MB) |')
    print('|---|---|---|---|---|---|')
    med = {k: statistics.median(r['times']) for k, r in rows.items()}
    for k, r in rows.items():
        print(f"| {NAMES[k]} | {r['params']/1e6:.3f} M | {spread(r['times'])} | {med[k] / med['ours']:.2f}× | {r['peak_mb']:.0f} | {r['peak_mb'] - r['built_mb']:.0f} |")
    for k, why in failed.items(): print(f"| {NAMES[k]} | | failed: {why} | | | |")
    if args.quick: return print("\n(--quick: a check of the script, nothing recorded)")
    if 'official' in rows:
        ratios = []
        for k in rows:
            if k == 'official': continue
            t = med[k] / med['official']
            ratios.append(dict(name=f"{NAMES[k]} / official time per step (median of {n})", value=t, goal='<= 0.5', met=t <= 0.5))
        best = min((k for k in rows if k != 'official'), key=med.get)
        o, u = rows['official'], rows['ours']
        lo, hi = min(u['times']) / max(o['times']), max(u['times']) / min(o['times'])
        print(f"\nours / official: time {med['ours'] / med['official']:.2f}× (extremes {lo:.2f}–{hi:.2f}×), best variant {NAMES[best]} "
              f"{med[best] / med['official']:.2f}×; peak RSS {u['peak_mb'] / o['peak_mb']:.2f}× (goal: time ≤ 0.5×)")
        save_result(__file__, __doc__.split('\n')[0], ratios + [dict(name='ours / official peak RSS', value=u['peak_mb'] / o['peak_mb'], goal='', met=None)],
                    threads=args.threads or None)
    else:
        print("\n(no --official checkout given: git clone https://github.com/danfenghong/RSE_Cross-city && "
              "git -C RSE_Cross-city checkout 04ba545, then pass --official RSE_Cross-city)")

if __name__ == '__main__': main()
