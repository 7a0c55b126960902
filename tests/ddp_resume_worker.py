"""Worker of tests/test_distributed.py's resume test, started on every rank by `accelerate launch`: one run trained straight through,
the same run stopped after its first epoch and resumed by a new learner; rank 0 writes what the test compares."""
import json, sys
from pathlib import Path
import torch
import torch.distributed as dist
from fastai.callback.core import Callback, CancelFitException
from c2seg_nb.train.distributed import is_main_process
from c2seg_nb.train.learner import fit_run
from c2seg_nb.train.recipe import plan

class InputNoise(Callback):
    "Noise on the training inputs from each rank's own torch generator, seeded per rank: randomness that differs between the ranks."
    def before_fit(self):
        if not getattr(self.learn, 'resume_epoch', 0): torch.manual_seed(1000 + dist.get_rank())   # a fresh run; a resumed one restores its own
    def before_batch(self):
        if self.training: self.learn.xb = tuple(x + 0.1 * torch.randn_like(x) for x in self.xb)

class StopAfter(Callback):
    "An interruption on cue: the fit stops after epoch `n`, once the checkpoint is written (`RunTracker`, order 90)."
    order = 100
    def __init__(self, n): self.n = n
    def after_epoch(self):
        if self.epoch == self.n: raise CancelFitException

data, root = sys.argv[1], Path(sys.argv[2])
def learner(run, seed=0):
    learn = plan(data, 'segnet', 'small', 'clean', seed=seed, bs=3, epochs=2, adapt='output', device='cpu').learner(root/run)
    learn.dls.target.bs = 4                         # 4 steps of 4 target tiles from a 6-tile share: epoch 0 ends mid-pass, whose position must be restored
    learn.add_cb(InputNoise())
    return learn

fit_run(learner('straight'), 2, quiet=True)
stopped = learner('resumed'); stopped.add_cb(StopAfter(0))
fit_run(stopped, 2, quiet=True)
fit_run(learner('resumed', seed=123), 2, resume=True, quiet=True)   # a new learner, as a new job would build it
dist.barrier()
if is_main_process():
    ckpt = {run: torch.load(root/run/'checkpoint.pth', weights_only=False) for run in ('straight', 'resumed')}
    weights = [ckpt[r]['model'] for r in ('straight', 'resumed')]
    discs = [ckpt[r]['callbacks']['DomainAdversarial']['discs'] for r in ('straight', 'resumed')]
    out = dict(history={run: (root/run/'history.csv').read_text() for run in ckpt},
               same_weights=all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0]),
               same_discriminators=all(torch.equal(discs[0][k], discs[1][k]) for k in discs[0]),
               ranks_saved=len(ckpt['resumed']['rng_ranks']))
    (root/'resume_check.json').write_text(json.dumps(out))
dist.barrier()
