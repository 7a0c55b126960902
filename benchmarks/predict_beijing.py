"""Streamed prediction of a Beijing-size MATLAB v7.3 scene (13474×8706 px): peak memory, and throughput beside the official test loop's.

Writes (once, then reuses) the v7.3 scene of `v73_window_memory.py` (its writer, imported: the real Beijing geometry,
MSI 4 and SAR 2 bands at 10 m, HSI 116 bands at 30 m, about 9 GB of random float32), then runs, each in a fresh
Python process, one small model over it: a 1×1 convolution taking the 116 HSI bands to 10 (where the official
pipeline applies PCA), then `predict_streaming.py`'s three 3×3 convolutions (24 channels), on the CPU:

- `import only`: the interpreter with the model built and c2seg_nb.infer imported (the floor);
- `predict_scene`: c2seg_nb's streamed prediction through the v7.3 reader (`open_scene`), 256 px windows with
  `--overlap`, `--bs` windows per forward pass, labels written strip by strip to a GeoTIFF;
- `predict_scene, overlap 0`: the same with the official loop's windows (non-overlapping);
- `predict_scene, overlap 0, bs 1`: the same windows, one per forward pass as in the official loop, so the two
  throughputs compare the same work (on one CPU thread a batch of 8 windows is slower per window than one at a
  time for this small model: its activations outgrow the cache);
- `official-style loop`: what the released test loop (`Train_HighDAN_beijing.py`, danfenghong/RSE_Cross-city 04ba545)
  does per tile — non-overlapping 256 px tiles (`slidingwindow`'s offsets), one tile per forward pass, labels the
  argmax over classes 1..13 — with each tile's window read from the file (the released code reads the whole scene
  into memory first, whose cost `v73_window_memory.py` measures) into a scene-sized uint8 label array; run in
  `torch.inference_mode` (the released loop keeps autograd on).

Throughput is scene pixels per second of each whole loop (reading included). With `--rows N` only the band of the
first N rows (full width, 8706 px) is predicted and the whole-scene time is extrapolated (time × 13474 / N), labelled
so. Goals: peak RSS of the streamed prediction < 2 GB; its throughput is reported beside the official-style loop's.

Usage: python benchmarks/predict_beijing.py [--dir /tmp/c2seg_bench_beijing] [--rows N] [--overlap 0.25] [--bs 8]
       [--threads N] [--keep]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
from pathlib import Path
from predict_streaming import MODEL, run_child
from v73_window_memory import H, W, C_HSI, make_scene

WINDOW = 256

SETUP = MODEL + f"""
class Beijing(nn.Module):
    "The {C_HSI} HSI bands projected to 10 by a 1×1 convolution (PCA's place in the official pipeline), then Net."
    def __init__(self):
        super().__init__()
        self.proj, self.net = nn.Conv2d({C_HSI}, 10, 1), Net()
    def forward(self, hsi, msi, sar): return self.net(self.proj(hsi), msi, sar)
torch.manual_seed(0)
model = Beijing().eval()
import numpy as np
from c2seg_nb.data.io import Scene, open_scene
from c2seg_nb.data.tiles import window_offsets
from c2seg_nb.infer import predict_scene
from rasterio.windows import Window

class Band(Scene):
    "The first `rows` rows of `scene`, full width (--rows)."
    def __init__(self, scene, rows):
        self.scene, self.path, self.bands = scene, scene.path, scene.bands
        self.shape = (min(rows, scene.shape[0]), scene.shape[1])
    def _read(self, modality, rows, cols): return self.scene._read(modality, rows, cols)
    def close(self): self.scene.close()

scene = open_scene(SCENE)
if ROWS: scene = Band(scene, ROWS)
"""

CHILD = {
    'import only': (SETUP, ""),
    'predict_scene': (SETUP, """
predict_scene(model, scene, None, window=WINDOW, overlap=OVERLAP, bs=BS, out_path=Path(OUT)/'pred.tif')
"""),
    'predict_scene, overlap 0': (SETUP, """
predict_scene(model, scene, None, window=WINDOW, overlap=0, bs=BS, out_path=Path(OUT)/'pred0.tif')
"""),
    'predict_scene, overlap 0, bs 1': (SETUP, """
predict_scene(model, scene, None, window=WINDOW, overlap=0, bs=1, out_path=Path(OUT)/'pred1.tif')
"""),
    'official-style loop': (SETUP, """
h, w = scene.shape
labels = np.zeros((h, w), np.uint8)
with torch.inference_mode():
    for y in window_offsets(h, WINDOW, 0):
        for x in window_offsets(w, WINDOW, 0):
            win = Window(x, y, WINDOW, WINDOW)
            xs = [torch.from_numpy(scene.read(m, win))[None] for m in ('hsi', 'msi', 'sar')]
            out = model(*xs)
            labels[y:y + WINDOW, x:x + WINDOW] = (out[0, 1:].argmax(0) + 1).to(torch.uint8).numpy()
"""),
}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dir', default='/tmp/c2seg_bench_beijing', help="where the 9 GB v7.3 scene is written (reused; v73_window_memory.py's)")
    ap.add_argument('--rows', type=int, default=0, help='predict only the first N rows (full width) and extrapolate (0: the whole scene)')
    ap.add_argument('--overlap', type=float, default=0.25, help="predict_scene's window overlap")
    ap.add_argument('--bs', type=int, default=8, help="predict_scene's windows per forward pass")
    ap.add_argument('--threads', type=int, default=0, help="torch threads in the children (0: torch's default)")
    ap.add_argument('--keep', action='store_true', help='keep the test scene afterwards')
    ap.add_argument('--make-scene-only', action='store_true', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make_scene_only: return make_scene(Path(args.dir))
    # Written by a child: Linux carries a process's peak RSS across fork+exec (ru_maxrss), so the parent that
    # spawns the measured children must stay small.
    subprocess.run([sys.executable, __file__, '--make-scene-only', '--dir', args.dir], check=True)
    rows = min(args.rows, H) if args.rows else H
    with tempfile.TemporaryDirectory(prefix='c2seg_bench_beijing_out') as out:
        consts = dict(SCENE=str(Path(args.dir)/'beijing.mat'), OUT=out, ROWS=args.rows, WINDOW=WINDOW, OVERLAP=args.overlap,
                      BS=args.bs, THREADS=args.threads, DEVICE='cpu')
        _, _, info = run_child(("", "print(torch.__version__, torch.get_num_threads())"), **consts)
        version, threads = info.split()
        band = f"the first {rows} rows × {W} (of {H}; whole-scene times extrapolated ×{H / rows:.2f})" if rows < H else f"the whole scene, {H}×{W}"
        print(f"Beijing-size v7.3 scene, predicting {band}: {rows * W / 1e6:.1f} Mpx; window {WINDOW}; torch {version}, {threads} "
              f"threads, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before the runs", flush=True)
        names = [n for n in CHILD if not (n == 'predict_scene, overlap 0' and args.overlap == 0)
                 and not (n == 'predict_scene, overlap 0, bs 1' and args.bs == 1)]
        res = {}
        for name in names:
            res[name] = run_child(CHILD[name], **consts)[:2]
            print(f"  {name}: peak {res[name][0]:.0f} MB, {res[name][1]:.1f} s", flush=True)
    floor, mpx = res['import only'][0], rows * W / 1e6
    label = '' if rows == H else ' (extrapolated)'
    print(f"\n{'run':32} {'peak RSS (MB)':>14} {'above floor (MB)':>17} {'seconds':>8} {'whole scene s' + label:>28} {'Mpx/s':>7}")
    for name, (mb, secs) in res.items():
        if name == 'import only': print(f"{name:32} {mb:14.0f} {0:17.0f}"); continue
        print(f"{name:32} {mb:14.0f} {mb - floor:17.0f} {secs:8.1f} {secs * H / rows:28.0f} {mpx / secs:7.3f}")
    streamed = max(mb for n, (mb, _) in res.items() if n.startswith('predict_scene'))
    speed = {n: mpx / s for n, (_, s) in res.items() if n != 'import only'}
    same = speed.get('predict_scene, overlap 0', speed['predict_scene'])          # the official windows, --bs per pass
    one = speed.get('predict_scene, overlap 0, bs 1', same)                         # ... and one window per pass (as it)
    official = speed['official-style loop']
    print(f"\nstreamed peak RSS: {streamed:.0f} MB (goal < 2048 MB: {'met' if streamed < 2048 else 'NOT met'}); "
          f"throughput, predict_scene / official-style loop: {one / official:.2f}x with the same (non-overlapping) windows, "
          f"one per pass; {same / official:.2f}x with bs {args.bs}; {speed['predict_scene'] / official:.2f}x at overlap "
          f"{args.overlap} and bs {args.bs} ({(1 - args.overlap) ** -2:.2f}x the windows' area per pixel, roughly)")
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name='streamed peak RSS / 2048 MB budget' + ('' if rows == H else f' ({rows}-row band)'), value=streamed / 2048, goal='< 1', met=streamed < 2048),
        dict(name='predict_scene / official-style loop throughput, same windows (overlap 0), one per pass', value=one / official, goal='', met=None),
        dict(name=f'predict_scene / official-style loop throughput, same windows, bs {args.bs}', value=same / official, goal='', met=None),
        dict(name=f'predict_scene (overlap {args.overlap}, bs {args.bs}) / official-style loop throughput', value=speed['predict_scene'] / official, goal='', met=None),
        dict(name='predict_scene throughput, Mpx/s' + label.replace('extrapolated', f'{rows}-row band'), value=speed['predict_scene'], goal='', met=None),
        dict(name='official-style loop throughput, Mpx/s' + label.replace('extrapolated', f'{rows}-row band'), value=official, goal='', met=None)],
        threads=args.threads or None)
    if not args.keep: shutil.rmtree(args.dir)

if __name__ == '__main__': main()
