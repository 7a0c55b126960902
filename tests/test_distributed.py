"Distributed training with two CPU processes (gloo), started as a user starts it: `accelerate launch --multi_gpu --num_processes 2`."
import json, os, subprocess, sys
from pathlib import Path
from c2seg_nb.data.synth import write_synth
from c2seg_nb.train.runs import RUN_FILES

def test_two_processes_match_one(tmp_path):
    data, run = write_synth(tmp_path/'mini', 'mini', seed=0), tmp_path/'run'
    env = os.environ | {'OMP_NUM_THREADS': '1', 'CUDA_VISIBLE_DEVICES': ''}      # CPU processes talking through gloo, even on a GPU machine
    r = subprocess.run([sys.executable, '-m', 'accelerate.commands.launch', '--multi_gpu', '--num_processes', '2', '--num_machines', '1',
                        '--mixed_precision', 'no', '--dynamo_backend', 'no', str(Path(__file__).parent/'ddp_worker.py'), str(data), str(run)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = json.loads((run/'ddp_check.json').read_text())
    assert out['cm_ranks'] == out['cm_one'] and sum(map(sum, out['cm_one'])) > 0   # summed over the ranks = one process on the whole split
    assert out['weight_diff'] == 0 and out['n_weights'] > 0                           # segmenter, BatchNorm statistics and discriminators
    a, b = map(set, out['shares'])
    assert a and b and not a & b and a | b == set(out['all_target'])                  # the target stream sharded per rank
    cfg = json.loads((run/'config.json').read_text())
    assert cfg['world_size'] == 2 and cfg['mixed_precision'] == 'no'
    assert all((run/f).exists() for f in RUN_FILES) and not list(run.glob('.*.tmp'))   # one complete run folder
    assert len((run/'history.csv').read_text().splitlines()) == 2                       # header and one epoch: rank 0 alone wrote it
