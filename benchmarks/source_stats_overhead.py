"""Source statistics' cost: a HighDAN training iteration with and without `DomainAdversarial(source_stats=True)`.

Under the `clean` protocol the adversarial callback keeps, beside the model's BatchNorm running statistics (a mixture
of source and target batches, as released), those of the source batches alone (`SourceRunningStats`): a copy of every
norm layer's buffers before the source forward and an update after it. This script measures what that costs per
iteration. The same model, batches and callback drive the iteration as fastai's events would (`before_batch`, the
source forward, `after_pred`, the loss, `after_loss` with the target forward and the backward, the segmenter's step,
`after_batch` with the discriminators' step), once with `source_stats=False` and once with `True`, alternately for
`--rounds` rounds in ABBA order after a warm-up round each: the ratio of the median round times, with the spread of
the per-round ratios. On a shared machine that spread is wider than the effect, so the bookkeeping (`start` and
`update` of the model's `SourceRunningStats`, between the same forwards) is also timed on its own, 200 times, and the
headline ratio is (iteration + bookkeeping) / iteration with the median iteration time without source statistics.
Goal: at most 1.02×.

Usage: python benchmarks/source_stats_overhead.py [--size small] [--steps 6] [--rounds 5] [--bs 2] [--px 64] [--threads N]
"""
import argparse, itertools, statistics, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
import torch
from types import SimpleNamespace
from c2seg_nb.core import N_CLASSES
from c2seg_nb.callback.adversarial import DomainAdversarial, generator_splitter
from c2seg_nb.methods.highdan import HighDANLoss
from c2seg_nb.models.highdan import HighDAN

BANDS = {'hsi': 10, 'msi': 4, 'sar': 2}

def make_batches(n, bs, px, seed):
    g = torch.Generator().manual_seed(seed)
    return [tuple(torch.randn(bs, c, px, px, generator=g) for c in BANDS.values()) + (torch.randint(1, N_CLASSES, (bs, px, px), generator=g),)
            for _ in range(n)]

class Driver:
    "A model, its optimiser and one `DomainAdversarial`, with the learner attributes the callback reads; `step` fires its events in fastai's order."
    def __init__(self, size, source_stats, targets):
        torch.manual_seed(0)
        self.model = HighDAN(BANDS, size=size).train()
        self.loss_func, self.opt = HighDANLoss(), torch.optim.Adam(generator_splitter(self.model)[0], lr=1e-4)
        self.dls, self.n_epoch, self.epoch = SimpleNamespace(target=itertools.cycle(targets), train=range(10**6)), 1, 0
        self.cb = DomainAdversarial(source_stats=source_stats)
        self.cb.learn = self
        self.cb.before_fit()
    def step(self, batch):
        *xb, y = batch
        cb = self.cb
        cb.before_batch()
        self.pred = self.model(*xb); cb.after_pred()
        self.loss_grad = self.loss_func(self.pred, y); self.loss = self.loss_grad.detach()
        cb.after_loss(); self.loss_grad.backward()                          # the source part went back in after_loss
        self.opt.step(); self.opt.zero_grad()
        cb.after_batch()

def timed_round(driver, batches) -> float:
    t0 = time.perf_counter()
    for b in batches: driver.step(b)
    return time.perf_counter() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--size', default='small'); ap.add_argument('--steps', type=int, default=6); ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--bs', type=int, default=2); ap.add_argument('--px', type=int, default=64); ap.add_argument('--threads', type=int, default=None)
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    batches = make_batches(a.steps, a.bs, a.px, 0)
    targets = [tuple(t[:3]) for t in make_batches(4, a.bs, a.px, 1)]
    drivers = {False: Driver(a.size, False, targets), True: Driver(a.size, True, targets)}
    n_layers = len(drivers[True].cb.stats.layers)
    for d in drivers.values(): timed_round(d, batches[:2])                   # warm-up
    times = {False: [], True: []}
    for r in range(a.rounds):
        for flag in ((False, True) if r % 2 == 0 else (True, False)):     # ABBA: neither always runs first
            times[flag].append(timed_round(drivers[flag], batches))
    stats = drivers[True].cb.stats
    t0 = time.perf_counter()
    for _ in range(200): stats.start(); stats.update()                     # no forward between: the same copies and arithmetic
    bookkeeping = (time.perf_counter() - t0) / 200
    per_round = [t / f for f, t in zip(times[False], times[True])]
    iteration = statistics.median(times[False]) / a.steps
    headline = (iteration + bookkeeping) / iteration
    ratio = statistics.median(times[True]) / statistics.median(times[False])
    print(f"HighDAN {a.size}, batch {a.bs} of {a.px} px, {n_layers} norm layers tracked, {a.steps} iterations a round, {a.rounds} rounds")
    print(f"without source statistics: median {statistics.median(times[False]) / a.steps * 1e3:.1f} ms per iteration")
    print(f"with source statistics:    median {statistics.median(times[True]) / a.steps * 1e3:.1f} ms per iteration")
    print(f"rounds, with / without: {ratio:.3f}× (per-round ratios {min(per_round):.3f}–{max(per_round):.3f})")
    print(f"bookkeeping alone: {bookkeeping * 1e3:.2f} ms per iteration → (iteration + bookkeeping) / iteration = {headline:.4f}×; goal ≤ 1.02×")
    save_result(__file__, __doc__.splitlines()[0], [dict(name='iteration with / without source statistics (bookkeeping timed alone)', value=headline, goal='≤ 1.02×', met=headline <= 1.02),
                                                     dict(name='iteration with / without source statistics (ABBA rounds, median)', value=ratio, goal='', met=None)])
