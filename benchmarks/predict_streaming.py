"""Streaming scene prediction: peak memory and speed of `predict_scene` on a 4096×4096 scene, and batched vs one window at a time.

Writes (once, then reuses) a GeoTIFF scene folder of 4096×4096 pixels — hsi.tif 10 bands, msi.tif 4, sar.tif 2, float32,
tiled — and runs, each in a fresh Python process, a small convolutional model (three 3×3 convolutions, 24 channels)
over it with 256 px windows:

- `import only`: the interpreter with c2seg_nb.infer imported (the floor);
- `predict_scene -> GeoTIFF`: streamed by strips, labels written strip by strip to a GeoTIFF (`out_path`);
- `predict_scene -> array`: the same, labels returned as a uint8 array (+16 MB);
- `naive in memory`: the obvious implementation for comparison — every modality read whole, one scene-sized
  probability accumulator, windows predicted and blended into it.

Goals: peak RSS of the streamed prediction < 1.5 GB; batched windows >= 3x faster than one at a time. The second
table times `predict_scene` with bs 1 (one window per forward pass) against bs 8 and 16 on a
1024×1024 crop, same windows, in one process after a warm-up, on `--device` (the memory table always runs on the CPU:
a CUDA context would dominate its peak RSS).

Usage: python benchmarks/predict_streaming.py [--dir /tmp/c2seg_bench_predict] [--size 4096] [--overlap 0.25] [--threads N]
       [--device cpu|cuda] [--keep]
"""
import argparse, json, os, shutil, subprocess, sys, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
from pathlib import Path
import numpy as np

BANDS = {'hsi': 10, 'msi': 4, 'sar': 2}
WINDOW = 256

def make_scene(folder: Path, size: int, crop: int = 1024) -> tuple[Path, Path]:
    "Write the scene folder (and a crop of it) with write_geotiff; reuse them if present."
    from rasterio.transform import from_origin
    from c2seg_nb.data.io import write_geotiff
    full, small = folder/f'scene_{size}', folder/f'crop_{crop}'
    geo = dict(crs='EPSG:32633', transform=from_origin(390000, 5820000, 10, 10))
    if not all((full/f'{m}.tif').exists() for m in BANDS) or not all((small/f'{m}.tif').exists() for m in BANDS):
        t0, rng = time.time(), np.random.default_rng(0)
        for m, c in BANDS.items():
            lo, hi = (-25., -5.) if m == 'sar' else (0., 1e4)
            arr = rng.uniform(lo, hi, (c, size, size)).astype(np.float32)
            write_geotiff(full/f'{m}.tif', arr, **geo)                    # tiled 256×256 (write_geotiff's layout)
            write_geotiff(small/f'{m}.tif', np.ascontiguousarray(arr[:, :crop, :crop]), **geo)
            del arr
        print(f"wrote {full} ({sum(p.stat().st_size for p in full.iterdir())/1e9:.2f} GB) and {small} in {time.time()-t0:.0f} s")
    return full, small

MODEL = f"""
import torch
from torch import nn
torch.manual_seed(0)
class Net(nn.Module):
    "Three 3×3 convolutions over the concatenated modalities: a small segmentation model (24 channels)."
    def __init__(self, c_in={sum(BANDS.values())}, width=24):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c_in, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(width, 14, 3, padding=1))
    def forward(self, hsi, msi, sar): return self.body(torch.cat([hsi / 1e4, msi / 1e4, sar / 25], 1))
model = Net().eval().to(DEVICE)
"""

# Each child: set-up code (imports, model; not timed) and the work (timed).
CHILD = {
    'import only': (MODEL + "import c2seg_nb.infer", ""),
    'predict_scene -> GeoTIFF': (MODEL + "from c2seg_nb.infer import predict_scene", """
out = predict_scene(model, SCENE, None, window=WINDOW, overlap=OVERLAP, bs=8, out_path=Path(OUT)/'pred.tif')
"""),
    'predict_scene -> array': (MODEL + "from c2seg_nb.infer import predict_scene", """
labels = predict_scene(model, SCENE, None, window=WINDOW, overlap=OVERLAP, bs=8)
assert labels.shape == (SIZE, SIZE) and labels.dtype.name == 'uint8'
"""),
    'naive in memory': (MODEL + """
import numpy as np, torch
from c2seg_nb.data.io import open_scene
from c2seg_nb.data.tiles import window_offsets
from c2seg_nb.infer import blend_weights""", """
scene = open_scene(SCENE)
xs = {m: torch.from_numpy(scene.read(m)) for m in ('hsi', 'msi', 'sar')}           # every modality whole
acc, wsum = torch.zeros(14, SIZE, SIZE), torch.zeros(SIZE, SIZE)                  # one scene-sized accumulator
w = blend_weights(WINDOW, WINDOW)
wins = [(y, x) for y in window_offsets(SIZE, WINDOW, OVERLAP) for x in window_offsets(SIZE, WINDOW, OVERLAP)]
with torch.inference_mode():
    for b in range(0, len(wins), 8):
        batch = wins[b:b+8]
        inp = [torch.stack([xs[m][:, y:y+WINDOW, x:x+WINDOW] for y, x in batch]) for m in ('hsi', 'msi', 'sar')]
        p = model(*inp).softmax(1)
        for (y, x), pi in zip(batch, p): acc[:, y:y+WINDOW, x:x+WINDOW] += pi * w; wsum[y:y+WINDOW, x:x+WINDOW] += w
    labels = ((acc / wsum)[1:].argmax(0) + 1).to(torch.uint8).numpy()
"""),
}

SPEED = (MODEL + """
from c2seg_nb.data.io import open_scene
from c2seg_nb.infer import predict_scene""", """
scene = open_scene(CROP)
res, ref = {}, None
for win in (WINDOW, 64):
    predict_scene(model, scene, None, window=win, overlap=OVERLAP, bs=8)        # warm-up (labels come back to the CPU: synchronised)
    for bs in (1, 8, 16):
        t0 = time.perf_counter(); lab = predict_scene(model, scene, None, window=win, overlap=OVERLAP, bs=bs)
        res[f'{win}/{bs}'] = time.perf_counter() - t0
        if bs == 1: ref = lab
        assert (lab == ref).all()                                      # the same windows, the same labels
print(json.dumps(res))
""")

def run_child(child: tuple[str, str], **consts) -> tuple[float, float, str]:
    "Run set-up then work in a fresh interpreter; return (peak RSS in MB, seconds of the work, stdout)."
    setup, work = child
    head = "import json, time\nfrom pathlib import Path\n" + ''.join(f"{k} = {v!r}\n" for k, v in consts.items())
    head += "import torch\nif THREADS: torch.set_num_threads(THREADS)\n"
    prog = head + setup + "\nt0 = time.perf_counter()\n" + work + \
           "\nsecs = time.perf_counter() - t0\nimport resource\nprint(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, secs]))"
    out = subprocess.run([sys.executable, '-c', prog], capture_output=True, text=True)
    if out.returncode: sys.exit(f"child failed:\n{out.stderr[-3000:]}")
    lines = out.stdout.strip().splitlines()
    rss, secs = json.loads(lines[-1])
    return rss, secs, '\n'.join(lines[:-1])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dir', default='/tmp/c2seg_bench_predict', help='where the test scene is written (reused)')
    ap.add_argument('--size', type=int, default=4096, help='scene height and width, pixels')
    ap.add_argument('--overlap', type=float, default=0.25, help='window overlap')
    ap.add_argument('--threads', type=int, default=0, help="torch threads in the children (0: torch's default)")
    ap.add_argument('--device', default='cpu', help="where the batched-vs-one table runs, e.g. 'cuda' (the memory table: CPU)")
    ap.add_argument('--keep', action='store_true', help='keep the test scene afterwards')
    ap.add_argument('--make-scene-only', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    folder = Path(args.dir)
    if args.make_scene_only: return make_scene(folder, args.size)
    # Written by a child: Linux carries a process's peak RSS across fork+exec (ru_maxrss), so the parent that
    # spawns the measured children must stay small — it never holds the scene's arrays, nor imports torch.
    subprocess.run([sys.executable, __file__, '--make-scene-only', '--dir', str(folder), '--size', str(args.size)], check=True)
    full, crop = folder/f'scene_{args.size}', folder/'crop_1024'
    out = folder/'out'; out.mkdir(exist_ok=True)
    consts = dict(SCENE=str(full), CROP=str(crop), OUT=str(out),
                  SIZE=args.size, WINDOW=WINDOW, OVERLAP=args.overlap, THREADS=args.threads, DEVICE='cpu')
    step = WINDOW - int(WINDOW * args.overlap)
    n_win = (len(range(0, args.size - WINDOW + 1, step)) + ((args.size - WINDOW) % step > 0)) ** 2   # as window_offsets
    mpx = args.size * args.size / 1e6
    _, _, info = run_child(("", "print(torch.__version__, torch.get_num_threads())"), **consts)
    version, threads = info.split()
    print(f"scene {args.size}×{args.size} ({mpx:.1f} Mpx), bands {BANDS}, window {WINDOW}, overlap {args.overlap}: "
          f"{n_win} windows; torch {version}, {threads} threads, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} before the runs")

    rows = {name: run_child(code, **consts)[:2] for name, code in CHILD.items()}
    floor = rows['import only'][0]
    print(f"\n{'run':26} {'peak RSS (MB)':>14} {'above import (MB)':>18} {'seconds':>8} {'Mpx/s':>7}")
    for name, (mb, secs) in rows.items():
        if name == 'import only': print(f"{name:26} {mb:14.0f} {0:18.0f} {'':>8} {'':>7}")
        else: print(f"{name:26} {mb:14.0f} {mb - floor:18.0f} {secs:8.1f} {mpx/secs:7.2f}")
    streamed = max(rows['predict_scene -> GeoTIFF'][0], rows['predict_scene -> array'][0])
    naive = rows['naive in memory'][0]
    print(f"\nstreamed peak RSS: {streamed:.0f} MB (goal < 1536 MB: {'met' if streamed < 1536 else 'NOT met'}); "
          f"naive / streamed: {naive/streamed:.1f}x")

    _, _, speed = run_child(SPEED, **{**consts, 'DEVICE': args.device})
    t = json.loads(speed)
    print(f"\nbatched vs one window at a time on {args.device}, 1024×1024 crop, overlap {args.overlap}, same windows (seconds):")
    print(f"{'window':>7} {'batch 1':>8} {'batch 8':>8} {'batch 16':>9} {'speed-up 8':>11} {'speed-up 16':>12}")
    for win in (WINDOW, 64):
        b1, b8, b16 = t[f'{win}/1'], t[f'{win}/8'], t[f'{win}/16']
        print(f"{win:7d} {b1:8.2f} {b8:8.2f} {b16:9.2f} {b1/b8:10.2f}x {b1/b16:11.2f}x")
    best = max(t[f'{WINDOW}/1'] / t[f'{WINDOW}/8'], t[f'{WINDOW}/1'] / t[f'{WINDOW}/16'])
    print(f"batched speed-up at window {WINDOW}: {best:.2f}x (goal >= 3x: {'met' if best >= 3 else 'NOT met'})")
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name='streamed peak RSS / 1536 MB budget', value=streamed / 1536, goal='< 1', met=streamed < 1536),
        dict(name='naive / streamed peak RSS', value=naive / streamed, goal='', met=None),
        dict(name=f'batched / one-window speed-up (window {WINDOW}, {args.device})', value=best, goal='>= 3', met=best >= 3)],
        threads=args.threads or None)
    if not args.keep: shutil.rmtree(folder)

if __name__ == '__main__': main()
