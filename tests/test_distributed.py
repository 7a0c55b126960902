"Distributed training with two CPU processes (gloo), started as a user starts it: `accelerate launch --multi_gpu --num_processes 2`."
import json, os, subprocess, sys
from pathlib import Path
from c2seg_nb.data.synth import write_synth
from c2seg_nb.train.runs import RUN_FILES

def launch(worker:str, *args):
    "`accelerate launch` of a worker script beside this file on two CPU processes talking through gloo (even on a GPU machine)."
    env = os.environ | {'OMP_NUM_THREADS': '1', 'CUDA_VISIBLE_DEVICES': ''}
    r = subprocess.run([sys.executable, '-m', 'accelerate.commands.launch', '--multi_gpu', '--num_processes', '2', '--num_machines', '1',
                        '--mixed_precision', 'no', '--dynamo_backend', 'no', str(Path(__file__).parent/worker), *map(str, args)],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]

def test_two_processes_match_one(tmp_path):
    data, run = write_synth(tmp_path/'mini', 'mini', seed=0), tmp_path/'run'
    launch('ddp_worker.py', data, run)
    out = json.loads((run/'ddp_check.json').read_text())
    assert out['cm_ranks'] == out['cm_one'] and sum(map(sum, out['cm_one'])) > 0   # summed over the ranks = one process on the whole split
    assert out['weight_diff'] == 0 and out['n_weights'] > 0                           # segmenter, BatchNorm statistics and discriminators
    a, b = map(set, out['shares'])
    assert a and b and not a & b and a | b == set(out['all_target'])                  # the target stream sharded per rank
    cfg = json.loads((run/'config.json').read_text())
    assert cfg['world_size'] == 2 and cfg['mixed_precision'] == 'no'
    assert all((run/f).exists() for f in RUN_FILES) and not list(run.glob('.*.tmp'))   # one complete run folder
    assert len((run/'history.csv').read_text().splitlines()) == 2                       # header and one epoch: rank 0 alone wrote it

def test_two_processes_resume_exactly(tmp_path):
    "A two-process run stopped after epoch 0 and resumed with two processes is the run that never stopped, bit for bit."
    data = write_synth(tmp_path/'mini', 'mini', seed=0)
    launch('ddp_resume_worker.py', data, tmp_path)
    out = json.loads((tmp_path/'resume_check.json').read_text())
    assert out['ranks_saved'] == 2                                                    # every rank's generators in the checkpoint
    assert out['history']['resumed'] == out['history']['straight'] and out['history']['straight'].count('\n') == 3
    assert out['same_weights'] and out['same_discriminators']
