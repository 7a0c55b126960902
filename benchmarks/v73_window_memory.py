"""Peak memory of reading one 512×512 window from a MATLAB v7.3 scene of Beijing's size (goal: under 1 GB).

Writes (once, then reuses) a v7.3 file with the real Beijing geometry — MSI 4×13474×8706 and SAR 2×13474×8706 at
10 m, HSI 116 bands at 30 m (h5py shape (116, 2903, 4492)), labels in a separate file — then runs each reader in a
fresh Python process and reports its peak resident memory, side by side:

- `import only`: the interpreter with c2seg_nb imported (the floor);
- `c2seg_nb window`: `open_scene(...).read(m, Window(...))` for every modality and the labels;
- `whole MSI (naive)`: what the official code does first, `h5py` reading a whole array (here only the MSI).

Usage: python benchmarks/v73_window_memory.py [--dir /tmp/c2seg_bench] [--keep]
"""
import argparse, json, shutil, subprocess, sys, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
from pathlib import Path
import numpy as np

H, W, C_HSI, SCALE = 13474, 8706, 116, 3          # Beijing (data card), HSI stored at 30 m

def make_scene(folder: Path) -> Path:
    "Write beijing.mat (+ beijing_label.mat) in MATLAB v7.3 layout, slab by slab so that writing stays small in memory."
    import h5py
    path = folder/'beijing.mat'
    if path.exists() and (folder/'beijing_label.mat').exists(): return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    h30, w30 = -(-H // SCALE) + 1, -(-W // SCALE) + 1   # 4492 × 2903, as in the release (overhangs the 10 m grid)
    t0 = time.time()
    with h5py.File(path, 'w', userblock_size=512) as f:
        # MATLAB stores H×W×C column-major, so HDF5 sees C×W×H
        for name, shape in (('HSI', (C_HSI, w30, h30)), ('MSI', (4, W, H)), ('SAR', (2, W, H))):
            ds = f.create_dataset(name, shape=shape, dtype='float32', chunks=(1, min(shape[1], 512), min(shape[2], 512)))
            ds.attrs['MATLAB_class'] = np.bytes_('single')
            for c in range(shape[0]):
                for x0 in range(0, shape[1], 1024):
                    x1 = min(shape[1], x0 + 1024)
                    ds[c, x0:x1, :] = rng.random((x1 - x0, shape[2]), dtype=np.float32)
    with open(path, 'r+b') as fh: fh.write(b'MATLAB 7.3 MAT-file'.ljust(116, b' ') + b'\x00'*8 + b'\x00\x02IM')
    with h5py.File(folder/'beijing_label.mat', 'w', userblock_size=512) as f:
        ds = f.create_dataset('label', data=rng.integers(0, 14, (W, H), dtype=np.uint8), chunks=(512, 512))
        ds.attrs['MATLAB_class'] = np.bytes_('uint8')
    print(f"wrote {path} ({sum(p.stat().st_size for p in folder.iterdir())/1e9:.1f} GB) in {time.time()-t0:.0f} s")
    return path

CHILD = {
    'import only': "import c2seg_nb.data.io",
    'c2seg_nb window': """
from c2seg_nb.data.io import open_scene
from rasterio.windows import Window
s = open_scene(PATH)
win = Window(4000, 9000, 512, 512)                      # col_off, row_off, width, height
shapes = {m: s.read(m, win).shape for m in ('hsi', 'msi', 'sar')}
shapes['label'] = s.read_label(win).shape
assert shapes == {'hsi': (116, 512, 512), 'msi': (4, 512, 512), 'sar': (2, 512, 512), 'label': (512, 512)}, shapes
""",
    'whole MSI (naive)': """
import h5py, numpy as np
import c2seg_nb.data.io
with h5py.File(PATH, 'r') as f: msi = np.transpose(f['MSI'][()])
""",
}

def peak_rss(code: str, path: Path) -> tuple[float, float]:
    "Run `code` in a fresh interpreter; return (peak RSS in MB, seconds)."
    prog = f"PATH = {str(path)!r}\nimport time; t0 = time.time()\n{code}\nimport resource, json\n" \
           "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.time() - t0]))"
    out = subprocess.run([sys.executable, '-c', prog], capture_output=True, text=True, check=True)
    return tuple(json.loads(out.stdout.strip().splitlines()[-1]))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dir', default='/tmp/c2seg_bench_beijing', help='where the 9 GB test scene is written (reused)')
    ap.add_argument('--keep', action='store_true', help='keep the test scene afterwards')
    args = ap.parse_args()
    path = make_scene(Path(args.dir))
    rows = {name: peak_rss(code, path) for name, code in CHILD.items()}
    floor = rows['import only'][0]
    print(f"\n{'reader':20} {'peak RSS (MB)':>14} {'above import (MB)':>18} {'seconds':>8}")
    for name, (mb, secs) in rows.items(): print(f"{name:20} {mb:14.0f} {mb - floor:18.0f} {secs:8.2f}")
    win, naive = rows['c2seg_nb window'][0], rows['whole MSI (naive)'][0]
    print(f"\nwindow read peak: {win:.0f} MB (goal < 1024 MB: {'met' if win < 1024 else 'NOT met'}); "
          f"the naive whole-MSI read needs {naive/win:.1f}x more")
    save_result(__file__, __doc__.splitlines()[0], [
        dict(name='window read peak RSS / 1024 MB budget', value=win / 1024, goal='< 1', met=win < 1024),
        dict(name='whole-MSI read / window read peak RSS', value=naive / win, goal='', met=None)])
    if not args.keep: shutil.rmtree(args.dir)

if __name__ == '__main__': main()
