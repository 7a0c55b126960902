"""fastai's overhead: the same model, loss, optimiser and batches trained by a fastai `Learner` and by a bare PyTorch loop.

The model is a registered method's (default the small U-Net) built by `c2seg_nb`, with the method's loss; the optimiser
is `torch.optim.Adam` in both (fastai through its `OptimWrapper`), so the only difference is the training loop: fastai's
events, callbacks (Recorder, the progress bar switched off) and metrics bookkeeping against
`zero_grad / forward / loss / backward / step`. The batches are built once, in memory, and both loops draw the same ones
in the same order. Only the training steps are timed (fastai's validation pass after the epoch is not). The two loops
run alternately for `--rounds` rounds after a warm-up round each, in ABBA order (bare first in even rounds, fastai
first in odd ones: on a shared single core the same bare loop run second in each pair measured 1.08-1.10x slower), and
the ratio is that of the median round times, with the spread of the per-round ratios. Each round is timed twice: by the
wall clock, and by the CPU time the process spent (`time.process_time`), which leaves out the time the process was
waiting for a core that another process held. Goal: fastai ≤ 1.03× the bare loop.

Because round times on a shared machine vary by more than the goal, one more fastai round runs under `cProfile`, and the
time spent inside fastai's and fastcore's own Python functions (their `tottime`: callbacks, events, attribute lookups, not
the torch work they call) is reported as a share of that round: an upper bound on the loop's overhead, since the profiler
slows Python calls more than the torch kernels they wrap. And two rounds of each loop run under `torch.profiler`: the CPU
time inside torch's operators (`aten::` self time) of the fastai round over the bare round's says whether the Learner
adds torch work (extra copies, casts, synchronisations) beside its Python. The profiled rounds skip fastai's validation.

Usage: python benchmarks/fastai_overhead.py [--method unet] [--steps 20] [--rounds 5] [--bs 4] [--size 64] [--threads N] [--quick]
"""
import argparse, cProfile, pstats, statistics, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
import torch
from functools import partial
from c2seg_nb.core import N_CLASSES
from c2seg_nb.methods.registry import build_model, method_spec
from fastai.callback.core import Callback, CancelValidException
from fastai.callback.progress import ProgressCallback   # noqa: F401  (Learner.no_bar, and the bar it switches off)
from fastai.data.core import DataLoaders
from fastai.data.load import DataLoader
from fastai.learner import Learner
from fastai.optimizer import OptimWrapper

BANDS = {'hsi': 10, 'msi': 4, 'sar': 2}

def make_batches(n, bs, size):
    g = torch.Generator().manual_seed(0)
    return [tuple(torch.randn(bs, c, size, size, generator=g) for c in BANDS.values()) + (torch.randint(1, N_CLASSES, (bs, size, size), generator=g),)
            for _ in range(n)]

def clocks() -> tuple[float, float]: return time.perf_counter(), time.process_time()

def since(t0:tuple) -> tuple[float, float]:
    "(wall, CPU) seconds since `t0 = clocks()`."
    return tuple(b - a for a, b in zip(t0, clocks()))

def bare_round(model, loss_func, opt, batches) -> tuple[float, float]:
    model.train()
    t0 = clocks()
    for *xs, y in batches:
        opt.zero_grad()
        loss = loss_func(model(*xs), y)
        loss.backward()
        opt.step()
    return since(t0)

class SkipValidation(Callback):
    "No validation pass after the training steps (for the profiled rounds, which time the whole `fit`)."
    def before_validate(self): raise CancelValidException()

def aten_seconds(run) -> float:
    "CPU seconds spent inside torch's operators (`aten::` self time, torch.profiler) while `run()` runs."
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU]) as prof: run()
    return sum(e.self_cpu_time_total for e in prof.key_averages() if e.key.startswith('aten::')) / 1e6

class TrainClock(Callback):
    "The training phase's wall and CPU time (validation excluded)."
    order = -100
    def before_train(self): self.t0 = clocks()
    def after_train(self): self.elapsed = since(self.t0)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--method', default='unet')
    ap.add_argument('--steps', type=int, default=20, help='training steps per round')
    ap.add_argument('--rounds', type=int, default=5, help='timed rounds of each loop, alternating, after a warm-up round')
    ap.add_argument('--bs', type=int, default=4)
    ap.add_argument('--size', type=int, default=64, help='tile height and width, pixels')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    ap.add_argument('--quick', action='store_true', help='check the script: 3 steps, 1 round, nothing recorded')
    args = ap.parse_args()
    if args.quick: args.steps, args.rounds = 3, 1
    if args.threads: torch.set_num_threads(args.threads)
    spec, batches = method_spec(args.method), make_batches(args.steps, args.bs, args.size)
    torch.manual_seed(0)
    bare_model, loss_func = build_model(args.method, 'small', BANDS), spec.make_loss()
    fa_model = build_model(args.method, 'small', BANDS); fa_model.load_state_dict(bare_model.state_dict())
    bare_opt = torch.optim.Adam(bare_model.parameters(), lr=1e-4)
    items = [tuple(t[i] for t in b) for b in batches for i in range(args.bs)]
    dls = DataLoaders(DataLoader(items, bs=args.bs, shuffle=False, drop_last=True), DataLoader(items[:args.bs], bs=args.bs))
    dls.n_inp = 3
    clock = TrainClock()
    learn = Learner(dls, fa_model, loss_func=loss_func, opt_func=partial(OptimWrapper, opt=torch.optim.Adam), lr=1e-4, cbs=[clock])
    def fastai_round():
        with learn.no_bar(), learn.no_logging(): learn.fit(1, 1e-4)
        return clock.elapsed
    bare_round(bare_model, loss_func, bare_opt, batches); fastai_round()          # warm-up: allocator, kernels, optimiser state
    bare, fa = [], []
    for r in range(args.rounds):           # ABBA order: the loop run second in a pair was measured ~8-10 % slower on its own
        if r % 2 == 0: bare.append(bare_round(bare_model, loss_func, bare_opt, batches)); fa.append(fastai_round())
        else: fa.append(fastai_round()); bare.append(bare_round(bare_model, loss_func, bare_opt, batches))
        print(f"round {r + 1}: bare {bare[-1][0]:.3f} s ({bare[-1][1]:.3f} s CPU), fastai {fa[-1][0]:.3f} s ({fa[-1][1]:.3f} s CPU), "
              f"{fa[-1][0] / bare[-1][0]:.3f}× wall, {fa[-1][1] / bare[-1][1]:.3f}× CPU", flush=True)
    median_ratio = lambda k: statistics.median(f[k] for f in fa) / statistics.median(b[k] for b in bare)
    ratio, cpu_ratio = median_ratio(0), median_ratio(1)
    per_round, cpu_per_round = ([f[k] / b[k] for f, b in zip(fa, bare)] for k in (0, 1))
    with learn.added_cbs(SkipValidation()):
        bare_ops = partial(aten_seconds, partial(bare_round, bare_model, loss_func, bare_opt, batches))
        ops = [bare_ops(), aten_seconds(fastai_round), aten_seconds(fastai_round), bare_ops()]   # ABBA, as the timed rounds
        ops_ratio = (ops[1] + ops[2]) / (ops[0] + ops[3])
        profiler = cProfile.Profile()
        profiler.runcall(fastai_round)
    stats = pstats.Stats(profiler).stats
    own = sum(tt for (file, _, _), (_, _, tt, _, _) in stats.items() if '/fastai/' in file or '/fastcore/' in file)
    share = own / sum(tt for (_, _, tt, _, _) in stats.values())
    print(f"profiled fastai round: {own:.3f} s in fastai's and fastcore's own Python code, {100 * share:.1f} % of the round; "
          f"torch operators' own CPU time, fastai / bare round: {ops_ratio:.3f}×")
    print(f"\n{args.method} small, batch {args.bs}, {args.size} px, {args.steps} steps per round, {args.rounds} rounds, "
          f"{torch.get_num_threads()} threads: fastai / bare PyTorch {ratio:.3f}× by wall clock (per round {min(per_round):.3f}–"
          f"{max(per_round):.3f}×), {cpu_ratio:.3f}× by the process's CPU time (per round {min(cpu_per_round):.3f}–"
          f"{max(cpu_per_round):.3f}×); goal ≤ 1.03×: {'met' if ratio <= 1.03 else 'NOT met'} by wall clock, "
          f"{'met' if cpu_ratio <= 1.03 else 'NOT met'} by CPU time")
    if args.quick: return print("(--quick: a check of the script, nothing recorded)")
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name=f'fastai / bare PyTorch loop time ({args.method} small), wall clock', value=ratio, goal='<= 1.03', met=ratio <= 1.03),
        dict(name=f'fastai / bare PyTorch loop time ({args.method} small), CPU time of the process', value=cpu_ratio, goal='<= 1.03', met=cpu_ratio <= 1.03),
        dict(name="share of a profiled fastai round in fastai's own Python (upper bound on its overhead)", value=share, goal='', met=None),
        dict(name="torch operators' CPU time (torch.profiler), fastai / bare round: the torch work the Learner adds", value=ops_ratio, goal='', met=None)])

if __name__ == '__main__': main()
