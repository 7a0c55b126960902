"""The exact confusion matrix of `c2seg_nb.metrics` vs `sklearn.metrics.confusion_matrix` on 50 million labels.

Both get the same uint8 labels (14 classes, skewed like a land-cover map); the counts must be identical. Times
are the best of `--repeat` runs, measured in one process, side by side. Goals: >= 100x faster than sklearn, and
within 2x of the floor: the time to read both label arrays once, measured as the faster of two plain reductions over
both (`max` and an int64 `sum` of each array, with torch's threads), since no confusion matrix can be counted faster
than its inputs are read.

Usage: python benchmarks/scorer_vs_sklearn.py [--n 50000000] [--repeat 3] [--quick]
"""
import argparse, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
import numpy as np
import torch
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from c2seg_nb.metrics import confusion_matrix

def best_time(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter(); out = fn(); times.append(time.perf_counter() - t0)
    return min(times), out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=50_000_000)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--quick', action='store_true', help='check the script on 2 million labels, nothing recorded')
    args = ap.parse_args()
    if args.quick: args.n, args.repeat = 2_000_000, 1
    rng = np.random.default_rng(0)
    freq = rng.dirichlet(np.ones(14) * 0.7)
    target = rng.choice(14, size=args.n, p=freq).astype(np.uint8)
    pred = np.where(rng.random(args.n) < 0.55, target, rng.choice(14, size=args.n, p=freq)).astype(np.uint8)
    tp, tt = torch.from_numpy(pred), torch.from_numpy(target)
    print(f"{args.n:,} labels, torch {torch.__version__}, {torch.get_num_threads()} threads")
    t_ours, cm = best_time(lambda: confusion_matrix(tp, tt), args.repeat)
    t_int64, cm64 = best_time(lambda: torch.bincount(tt.long() * 14 + tp.long(), minlength=196).reshape(14, 14), args.repeat)
    t_max, _ = best_time(lambda: (tt.max(), tp.max()), args.repeat)
    t_sum, _ = best_time(lambda: (tt.sum(dtype=torch.int64), tp.sum(dtype=torch.int64)), args.repeat)
    t_floor = min(t_max, t_sum)
    t_sk, cm_sk = best_time(lambda: sk_confusion_matrix(target, pred, labels=np.arange(14)), 1 if args.repeat > 1 else args.repeat)
    assert (cm.numpy() == cm_sk).all() and (cm64.numpy() == cm_sk).all(), "counts differ"
    print(f"{'method':34} {'seconds':>9} {'speed-up vs sklearn':>20}")
    for name, t in (('sklearn confusion_matrix', t_sk), ('plain int64 torch.bincount', t_int64), ('c2seg_nb.metrics.confusion_matrix', t_ours),
                    ('floor: max of both arrays', t_max), ('floor: int64 sum of both arrays', t_sum)):
        print(f"{name:34} {t:9.4f} {t_sk / t:19.1f}x")
    print(f"\nidentical counts: yes; c2seg_nb vs sklearn: {t_sk / t_ours:.0f}x (goal >= 100x: {'met' if t_sk / t_ours >= 100 else 'NOT met'}); "
          f"c2seg_nb / floor {t_ours / t_floor:.2f}x (goal <= 2x: {'met' if t_ours / t_floor <= 2 else 'NOT met'})")
    if args.quick: return print("(--quick: a check of the script, nothing recorded)")
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name='c2seg_nb / sklearn speed-up', value=t_sk / t_ours, goal='>= 100', met=t_sk / t_ours >= 100),
        dict(name='c2seg_nb / floor (read both arrays once)', value=t_ours / t_floor, goal='<= 2', met=t_ours / t_floor <= 2),
        dict(name='int64 bincount / sklearn speed-up', value=t_sk / t_int64, goal='', met=None)])

if __name__ == '__main__': main()
