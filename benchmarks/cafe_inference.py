"""CaFE's inference cost with and without its training-only parts, side by side in one process.

Three forms of the same trained-shape network, `eval` mode, on the same batches:
- `CaFENet` as trained (category-wise fusion modules present; ᾱ computed from the per-class weights each call),
- `CaFENet.deploy()` (ᾱ folded into constant weights, side heads dropped) — must give the same logits,
- the plain-sum ablation (`fusion='sum'`, RedNet's fusion) — the cost floor of any fusion.
Times are the median and spread of `--repeat` timed forwards after `--warmup` untimed ones, interleaved so
that load on a shared machine hits every form alike. Goal: the trained and deployed forms within noise.

Usage: python benchmarks/cafe_inference.py [--size small] [--bs 8] [--side 128] [--repeat 9]
"""
import argparse, time
import numpy as np
import torch
from c2seg_nb.models.cafe import CaFENet
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--size', default='small'); ap.add_argument('--bs', type=int, default=8)
    ap.add_argument('--side', type=int, default=128); ap.add_argument('--repeat', type=int, default=9); ap.add_argument('--warmup', type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(0)
    bands = {'hsi': 242, 'msi': 4, 'sar': 2}
    trained = CaFENet(bands, size=args.size)
    with torch.no_grad():
        for f in trained.fusions: f.logits.normal_()               # distinct per-class weights, as after training
    trained.eval()
    forms = {'CaFENet (trained form)': trained, 'CaFENet.deploy()': trained.deploy(), "fusion='sum' (plain)": CaFENet(bands, size=args.size, fusion='sum').eval()}
    xs = [torch.randn(args.bs, c, args.side, args.side) for c in bands.values()]
    with torch.no_grad():
        ref = trained(*xs)
        assert torch.allclose(forms['CaFENet.deploy()'](*xs), ref, atol=1e-5), "deploy() changed the logits"
        for m in forms.values():
            for _ in range(args.warmup): m(*xs)
        times = {k: [] for k in forms}
        for _ in range(args.repeat):
            for k, m in forms.items():
                t0 = time.perf_counter(); m(*xs); times[k].append(time.perf_counter() - t0)
    base = np.median(times['CaFENet (trained form)'])
    print(f"CaFE {args.size}, batch {args.bs} × {args.side}², HSI 242 + MSI 4 + SAR 2; torch {torch.__version__}, {torch.get_num_threads()} threads, {args.repeat} timed forwards each")
    print(f"{'form':28} {'median s':>9} {'min–max s':>16} {'ratio to trained':>17}")
    for k, t in times.items():
        print(f"{k:28} {np.median(t):9.3f} {min(t):7.3f}–{max(t):7.3f} {np.median(t) / base:16.3f}x")
    print("deploy() logits equal the trained form's: yes (atol 1e-5)")
    med = {k: float(np.median(t)) for k, t in times.items()}
    spread = (max(times['CaFENet (trained form)']) - min(times['CaFENet (trained form)'])) / base
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name='deploy() / trained form, inference time', value=med['CaFENet.deploy()'] / base, goal=f'within noise (trained form spread ±{spread / 2:.2f})',
             met=bool(abs(med["CaFENet.deploy()"] / base - 1) <= max(spread / 2, 0.05))),
        dict(name="plain sum / trained form, inference time", value=med["fusion='sum' (plain)"] / base)])

if __name__ == '__main__': main()
