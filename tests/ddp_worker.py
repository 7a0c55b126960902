"Worker of tests/test_distributed.py, started on every rank by `accelerate launch`: trains briefly, then rank 0 writes what the test compares."
import json, sys
from pathlib import Path
import torch
import torch.distributed as dist
from fastai.callback.core import Callback
from c2seg_nb.metrics import confusion_matrix, predict_labels
from c2seg_nb.train.distributed import is_main_process, world_size
from c2seg_nb.train.learner import fit_run
from c2seg_nb.train.recipe import plan

class TargetShare(Callback):
    "Records the target tiles this rank draws from (its share, set by `C2SegDistributed`)."
    order = 12
    def before_fit(self): self.ids = list(self.dls.target.ds.ids)

data, run_dir = sys.argv[1], Path(sys.argv[2])
learn = plan(data, 'segnet', 'small', 'clean', seed=0, bs=2, epochs=1, adapt='output', device='cpu').learner(run_dir)
share = TargetShare()
learn.add_cb(share)
fit_run(learn, 1, quiet=True)                      # the path `c2seg-train` takes
cm_ranks = learn.metrics[0].cm.clone()             # the validation matrix, summed over the ranks

def flat(*modules): return torch.cat([t.detach().float().flatten() for m in modules for t in m.state_dict().values()])
mine = flat(learn.model, learn.domain_adversarial.discs)
every = [torch.zeros_like(mine) for _ in range(world_size())]
dist.all_gather(every, mine)
shares = [None] * world_size()
dist.all_gather_object(shares, share.ids)
if is_main_process():                               # one process, the whole validation split, the same weights
    learn.model.eval(); cm_one = 0
    learn.domain_adversarial.stats.swap()           # and statistics: `clean` validates with the source batches' (one epoch: the kept one's)
    with torch.no_grad():
        for *xs, y in learn.dls.valid: cm_one = cm_one + confusion_matrix(predict_labels(learn.model(*xs)), y)
    out = dict(cm_ranks=cm_ranks.tolist(), cm_one=cm_one.tolist(), weight_diff=max(float((w - every[0]).abs().max()) for w in every),
               n_weights=mine.numel(), shares=shares, all_target=list(learn.dls.target.ds.ids))
    (run_dir/'ddp_check.json').write_text(json.dumps(out))
dist.barrier()
