"""Batches per second of `c2seg_dataloaders` vs a naive reader that opens every file for every item.

Both read the `ab` preset of the synthetic benchmark (242/4/2 bands, 128 px tiles), batch 8, one process
(num_workers=0), CPU, and produce the same normalised float32 batches `(hsi, msi, sar, mask)`:

- naive: each item opens its four GeoTIFFs with rasterio (what the challenge teams' datasets do);
- c2seg_nb: `c2seg_dataloaders` — tiles normalised (HSI PCA-reduced) once into memory-mapped arrays, batch-level augmentation.

The first (cache-building) pass is timed separately. Goal: >= 5x the naive batches per second.
Usage: python benchmarks/loader_vs_naive.py [--data DIR] [--batches 30] [--bs 8]
"""
import argparse, shutil, tempfile, time
from _results import save_result          # benchmarks/_results.py: the ratios the documentation site shows
from pathlib import Path
import numpy as np
import torch
from c2seg_nb.core import MODALITIES          # before fastai: it silences fastai's torch.jit.script warning
from fastai.data.load import DataLoader
from c2seg_nb.data.io import TileSet, read_tiff
from c2seg_nb.data.loaders import c2seg_dataloaders, BatchTransform
from c2seg_nb.data.synth import write_synth

class NaiveTiles:
    "Opens the four files of a tile for every item."
    def __init__(self, ts, ids): self.ts, self.ids = ts, ids
    def __len__(self): return len(self.ids)
    def __getitem__(self, k):
        i = self.ids[k]
        return tuple(read_tiff(self.ts.path(m, i)) for m in MODALITIES) + (read_tiff(self.ts.path('label', i))[0],)

def rate(dl, n_batches):
    "Batches per second over `n_batches` (cycling the loader)."
    done, t0 = 0, time.perf_counter()
    while done < n_batches:
        for b in dl:
            done += 1
            if done >= n_batches: break
    return n_batches / (time.perf_counter() - t0)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', help='an existing ab-preset folder (default: generate one in a temporary folder)')
    ap.add_argument('--batches', type=int, default=30)
    ap.add_argument('--bs', type=int, default=8)
    args = ap.parse_args()
    tmp = None
    if args.data: data = Path(args.data)
    else:
        tmp = tempfile.mkdtemp(); t0 = time.perf_counter()
        data = write_synth(Path(tmp)/'ab', preset='ab', seed=0)
        print(f"generated the ab preset in {time.perf_counter() - t0:.1f} s")
    cache = Path(tempfile.mkdtemp())                       # a cold tile cache (the default lives in the user cache)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    dls = c2seg_dataloaders(data, bs=args.bs, device='cpu', with_target=False, cache_dir=cache)
    t_build = time.perf_counter() - t0
    ours = rate(dls.train, args.batches)
    naive_dl = DataLoader(NaiveTiles(TileSet(data, 'train'), dls.spatial_split['train']), bs=args.bs, shuffle=True, drop_last=True,
                          device='cpu', after_batch=BatchTransform(MODALITIES, dls.normalizer, 'source', augment=True))
    naive = rate(naive_dl, args.batches)
    print(f"first call (statistics, PCA, tile cache): {t_build:.1f} s")
    print(f"{'loader':28} {'batches/s':>10} {'ratio':>7}")
    print(f"{'naive (open files per item)':28} {naive:10.2f} {1:7.1f}")
    print(f"{'c2seg_dataloaders':28} {ours:10.2f} {ours / naive:7.1f}")
    print(f"\nspeed-up: {ours / naive:.1f}x (goal >= 5x: {'met' if ours / naive >= 5 else 'NOT met'})")
    save_result(__file__, __doc__.splitlines()[0],
                [dict(name='c2seg_dataloaders / naive batches per second', value=ours / naive, goal='>= 5', met=ours / naive >= 5)])
    shutil.rmtree(cache)
    if tmp: shutil.rmtree(tmp)

if __name__ == '__main__': main()
