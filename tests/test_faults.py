"""The fault suite: every command run as a user runs it, in a process of its own, on bad input, checking the exit
status, the one-line message and that nothing was written, overwritten or left half-written. The table of faults
and messages is on the docs page of `c2seg_nb.cli` (nbs/00a_cli.ipynb).

Each command runs in a child process forked from this one after the package is imported once: a fresh
interpreter spends ~10 s importing torch and fastai on a busy CI machine, which would make ~60 runs take minutes.
The child runs the console script's own entry point as `__main__` with its own argv, environment, umask,
stdout/stderr and signal handling, and exits with the command's status; `tests/test_cli.py` runs the installed
console scripts themselves."""
import importlib.metadata, json, os, shutil, signal, sys, tempfile, time, traceback
from pathlib import Path
from types import SimpleNamespace
import numpy as np
import pytest
from c2seg_nb.data.io import read_tiff, write_geotiff, write_mat_v5

TRAIN = ['--method', 'segnet', '--bs', '4', '--device', 'cpu', '--quiet']
SCRIPTS = {ep.name: ep.value for ep in importlib.metadata.entry_points(group='console_scripts') if ep.name.startswith('c2seg-')}

@pytest.fixture(scope='module')
def env(tmp_path_factory):
    "Commands run with their own user cache, one thread, and no debug tracebacks; their modules imported once."
    import importlib
    for target in SCRIPTS.values(): importlib.import_module(target.split(':')[0])
    from c2seg_nb.methods.registry import load_methods
    load_methods()                                            # every registered method's module, once
    cache = tmp_path_factory.mktemp('cache')
    return {**os.environ, 'XDG_CACHE_HOME': str(cache), 'OMP_NUM_THREADS': '1', 'C2SEG_DEBUG': ''}

def _child(args, env, out, err, umask):
    "In the forked process: run the console script `args[0]` as `__main__` and exit with its status."
    try:
        for fd, path in ((1, out), (2, err)): os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
        sys.stdout, sys.stderr = open(1, 'w', buffering=1, closefd=False), open(2, 'w', buffering=1, closefd=False)
        os.environ.clear(); os.environ.update(env)
        signal.signal(signal.SIGINT, signal.default_int_handler); signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if umask is not None: os.umask(umask)
        import torch; torch.set_num_threads(1)
        sys.argv = [args[0], *args[1:]]
        module, func = SCRIPTS[args[0]].split(':')
        script = f"import sys\nfrom {module} import {func}\nsys.exit({func}())\n"
        code = 0
        try: exec(compile(script, args[0], 'exec'), {'__name__': '__main__', '__file__': args[0]})
        except SystemExit as e:
            code = 0 if e.code is None else e.code if isinstance(e.code, int) else 1
            if not isinstance(e.code, (int, type(None))): print(e.code, file=sys.stderr)
        except BaseException: traceback.print_exc(); code = 1
        sys.stdout.flush(); sys.stderr.flush()
    except BaseException: code = 99
    os._exit(code)

class Command:
    "A command running in a forked child: `send_signal`, `wait`."
    def __init__(self, env, *args, umask=None):
        self.args, self.dir = [str(a) for a in args], tempfile.mkdtemp(prefix='c2seg_fault_')
        self.out, self.err = os.path.join(self.dir, 'out'), os.path.join(self.dir, 'err')
        sys.stdout.flush(); sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0: _child(self.args, env, self.out, self.err, umask)
        self.returncode = None
    def poll(self):
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid: self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode
    def send_signal(self, sig): os.kill(self.pid, sig)
    def wait(self, timeout=600):
        t0 = time.time()
        while self.poll() is None:
            if time.time() - t0 > timeout: os.kill(self.pid, signal.SIGKILL); raise TimeoutError(self.args)
            time.sleep(0.01)
        read = lambda p: Path(p).read_text() if os.path.exists(p) else ''
        r = SimpleNamespace(returncode=self.returncode, stdout=read(self.out), stderr=read(self.err), args=self.args)
        shutil.rmtree(self.dir, ignore_errors=True)                # the captured output is read: leave no temporary folder
        return r

def run(env, *args, ok=None, umask=None):
    r = Command(env, *args, umask=umask).wait()
    if ok is not None: assert (r.returncode == 0) == ok, f"{args}: {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r

def snapshot(folder:Path) -> dict:
    "Every file under `folder` with its size, modification time and mode."
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_mode) for p in sorted(folder.rglob('*'))}

def fails(r, message, code=1):
    "Exit status `code`, one line on stderr naming the command, containing `message`, no traceback."
    assert r.returncode == code, f"exit {r.returncode}:\n{r.stdout}\n{r.stderr}"
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in r.stderr, r.stderr
    assert lines[0].startswith('c2seg-') and message in lines[0], lines[0]

@pytest.fixture(scope='module')
def world(tmp_path_factory, env):
    "A mini dataset, a one-epoch run trained on it and its predictions, shared by the suite (read-only for the tests)."
    d = tmp_path_factory.mktemp('world')
    data, run_dir, pred = d/'mini', d/'run', d/'pred'
    run(env, 'c2seg-synth', data, '--preset', 'mini', ok=True)
    before = snapshot(data)
    run(env, 'c2seg-train', data, run_dir, *TRAIN, '--epochs', '1', ok=True)
    run(env, 'c2seg-predict', run_dir, data, pred, ok=True)
    assert snapshot(data) == before                               # training and prediction wrote nothing into the dataset
    return dict(d=d, data=data, run=run_dir, pred=pred, run_files=snapshot(run_dir), pred_files=snapshot(pred))

# --- c2seg-train -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    (['--epochs', '0'], 'epochs must be a positive whole number, not 0'),
    (['--epochs', '-1'], 'epochs must be a positive whole number, not -1'),
    (['--bs', '0'], 'bs must be a positive whole number, not 0'),
    (['--modalities', 'hsi,foo'], "unknown modalities ['foo']"),
    (['--options', 'foo=1'], 'has no option foo'),
    (['--options', 'foo'], "method option 'foo' is not KEY=VALUE"),
    (['--init', 'runs/nope'], 'runs/nope: no weights to start from'),
    (['--device', 'gpu0'], '--device gpu0: is not a device. Give cpu, cuda, cuda:N or mps.'),
    (['--adapt', 'foo'], "unknown adaptation levels ['foo']"),
])
def test_train_bad_argument_leaves_no_run_folder(world, env, args, message):
    new = world['d']/'never'
    fails(run(env, 'c2seg-train', world['data'], new, *TRAIN, *args), message)
    assert not new.exists()

def test_train_refuses_to_replace_a_run(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['run'], *TRAIN, '--epochs', '1'),
          'run: already holds a run. Give --resume to carry on, --overwrite to replace it, or another path.')
    assert snapshot(world['run']) == world['run_files']

def test_train_resume_with_other_settings(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['run'], '--method', 'segnet', '--bs', '2', '--epochs', '3', '--quiet', '--resume'),
          'was trained with other settings: bs 4 → 2; epochs_planned 1 → 3. Resume with the recorded settings, or give --overwrite')
    assert snapshot(world['run']) == world['run_files']

def test_train_resume_checks_the_first_stage(world, env, tmp_path):
    "A two-stage run stopped after its first stage is a run: refused without --resume, and --resume checks stage1's recorded settings."
    run_dir = tmp_path/'uda'                                      # stage 1 as `c2seg-train --method uda` trains it (mini is too small for stage 2)
    run(env, 'c2seg-train', world['data'], run_dir/'stage1', '--method', 'uda_source', '--epochs', '1', '--device', 'cpu', '--quiet', ok=True)
    before = snapshot(run_dir)
    uda = lambda *more: run(env, 'c2seg-train', world['data'], run_dir, '--method', 'uda', '--epochs', '1', '--device', 'cpu', '--quiet', *more)
    fails(uda('--pretrain-epochs', '1'), 'uda: already holds a run. Give --resume to carry on, --overwrite to replace it')
    fails(uda('--pretrain-epochs', '2', '--resume'), 'uda: was trained with other settings: stage1 epochs_planned 1 → 2. Resume with the recorded settings')
    assert snapshot(run_dir) == before

def test_train_resume_without_checkpoint(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['d']/'fresh', *TRAIN, '--resume'), 'fresh: holds no checkpoint.pth to resume from')
    assert not (world['d']/'fresh').exists()

def test_train_resume_and_overwrite(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['run'], *TRAIN, '--resume', '--overwrite'), '--resume --overwrite: contradict each other')

def test_train_run_folder_inside_dataset(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['data']/'runs'/'a', *TRAIN), 'is inside the input')
    assert not (world['data']/'runs').exists()

def test_train_run_folder_under_a_file(world, env):
    fails(run(env, 'c2seg-train', world['data'], world['run']/'config.json'/'sub', *TRAIN), 'config.json is a file, not a folder')

def test_train_folder_with_other_files(world, env, tmp_path):
    (tmp_path/'notes.txt').write_text('mine')
    fails(run(env, 'c2seg-train', world['data'], tmp_path, *TRAIN, '--overwrite'), 'holds files but no run')
    assert [p.name for p in tmp_path.iterdir()] == ['notes.txt']

def test_train_missing_dataset(world, env):
    fails(run(env, 'c2seg-train', world['d']/'nope', world['d']/'never2', *TRAIN), 'nope: dataset folder not found')
    assert not (world['d']/'never2').exists()

def test_debug_shows_the_traceback(world, env):
    r = run({**env, 'C2SEG_DEBUG': '1'}, 'c2seg-train', world['data'], world['d']/'never3', *TRAIN, '--device', 'gpu0')
    assert r.returncode == 1 and 'Traceback' in r.stderr and 'CLIError' in r.stderr

# --- c2seg-predict -----------------------------------------------------------------------------------------------

def test_predict_refuses_to_replace_predictions(world, env):
    fails(run(env, 'c2seg-predict', world['run'], world['data'], world['pred']), 'pred: already holds predictions. Give --resume to carry on, --overwrite')
    assert snapshot(world['pred']) == world['pred_files']

def test_predict_scene_checked_first(world, env):
    out = world['d']/'p_scene'
    fails(run(env, 'c2seg-predict', world['run'], world['data'], out, '--scene', world['d']/'nope'), 'nope: not found')
    assert not out.exists()

@pytest.mark.parametrize('damage, message', [
    (lambda run: (run/'model.pth').write_bytes((run/'model.pth').read_bytes()[:5000]), 'model.pth: is truncated or not a PyTorch weights file'),
    (lambda run: (run/'model.pth').unlink(), 'model.pth: not found'),
    (lambda run: (run/'config.json').write_text('{"method": '), 'config.json: is not valid JSON'),
])
def test_predict_damaged_run(world, env, tmp_path, damage, message):
    bad = tmp_path/'run'
    bad.mkdir()
    for f in ('config.json', 'normalizer.json', 'model.pth'): (bad/f).write_bytes((world['run']/f).read_bytes())
    damage(bad)
    fails(run(env, 'c2seg-predict', bad, world['data'], tmp_path/'out'), message)
    assert not (tmp_path/'out').exists()

def test_predict_band_count_mismatch(world, env, tmp_path):
    "A run trained on 24 HSI bands applied to 20-band data is named before any tile is predicted."
    other = tmp_path/'other'
    for p in (world['data']/'test').rglob('*.tiff'):
        q = other/'test'/p.relative_to(world['data']/'test')
        arr = read_tiff(p)
        write_geotiff(q, arr[:20] if p.parent.name == 'hsi' else arr)
    fails(run(env, 'c2seg-predict', world['run'], other, tmp_path/'out'), 'has 20 HSI bands but')
    assert not (tmp_path/'out').exists()

@pytest.mark.parametrize('where, message', [
    (lambda w: w['data']/'test'/'pred', 'is inside the input'),
    (lambda w: w['run'], 'is a run folder'),
    (lambda w: w['run']/'config.json'/'x', 'config.json is a file, not a folder'),
])
def test_predict_bad_output(world, env, where, message):
    before = snapshot(world['d'])
    fails(run(env, 'c2seg-predict', world['run'], world['data'], where(world)), message)
    assert snapshot(world['d']) == before

def test_predict_bad_device(world, env):
    fails(run(env, 'c2seg-predict', world['run'], world['data'], world['d']/'p_dev', '--device', 'gpu0'), '--device gpu0: is not a device')
    assert not (world['d']/'p_dev').exists()

def test_predict_bad_experts(world, env):
    fails(run(env, 'c2seg-predict', world['run'], world['data'], world['d']/'p_exp', '--experts', 'water'), '--experts water: is not CLASS=RUN pairs')

# --- c2seg-evaluate ----------------------------------------------------------------------------------------------

def test_predict_evaluate_chain_and_absent_classes(world, env):
    "`c2seg-evaluate OUT DATA/test/label` scores predict's own folder; a class in neither map is noted."
    r = run(env, 'c2seg-evaluate', world['pred'], world['data']/'test'/'label', ok=True)
    assert 'mIoU' in r.stdout or '| class |' in r.stdout
    perfect = run(env, 'c2seg-evaluate', world['data']/'test'/'label', world['data']/'test'/'label', '--json', ok=True)
    rep = json.loads(perfect.stdout)
    assert rep['oa'] == 1.0 and (rep['miou'] < 1) == bool(rep['absent'])

def test_evaluate_missing_predictions(world, env):
    r = run(env, 'c2seg-evaluate', world['d']/'nope', world['data']/'test')
    assert r.returncode == 1 and 'nope: not found (the predictions)' in r.stderr and 'Traceback' not in r.stderr

# --- c2seg-import, c2seg-study, c2seg-check ----------------------------------------------------------------------

@pytest.fixture(scope='module')
def bad_mat(tmp_path_factory):
    d = tmp_path_factory.mktemp('mat')
    rng = np.random.default_rng(0)
    lab = rng.integers(0, 14, (130, 130)).astype(np.uint8)
    good, bad = lab.copy(), lab.copy(); bad[-1, -1] = 255
    arrays = {'HSI': rng.random((130, 130, 242)).astype(np.float32), 'MSI': rng.random((130, 130, 4)).astype(np.float32),
              'SAR': rng.random((130, 130, 2)).astype(np.float32)}
    write_mat_v5(d/'augsburg_multimodal.mat', arrays | {'label': good})
    write_mat_v5(d/'bad'/'augsburg_multimodal.mat', arrays | {'label': bad})
    return d

def test_import_bad_labels_leave_nothing(bad_mat, env, tmp_path):
    fails(run(env, 'c2seg-import', bad_mat/'bad'/'augsburg_multimodal.mat', tmp_path/'AB', '--split', 'test'), 'label values [255] are outside 0..13')
    assert not (tmp_path/'AB').exists()
    run(env, 'c2seg-import', bad_mat/'augsburg_multimodal.mat', tmp_path/'AB', '--split', 'test', ok=True)   # a rerun is not refused

def test_import_refuses_existing_tiles(bad_mat, env, tmp_path):
    run(env, 'c2seg-import', bad_mat/'augsburg_multimodal.mat', tmp_path/'AB', '--split', 'test', ok=True)
    before = snapshot(tmp_path/'AB')
    fails(run(env, 'c2seg-import', bad_mat/'augsburg_multimodal.mat', tmp_path/'AB', '--split', 'test'), 'already holds test tiles. Give --overwrite')
    assert snapshot(tmp_path/'AB') == before

def test_import_missing_scene(env, tmp_path):
    fails(run(env, 'c2seg-import', tmp_path/'nope.mat', tmp_path/'AB'), 'nope.mat')
    assert not (tmp_path/'AB').exists()

def test_study_bad_seeds_and_inside_data(world, env):
    fails(run(env, 'c2seg-study', '--data', world['data'], '--seeds', 'a'), '--seeds a: is not comma-separated whole numbers')
    fails(run(env, 'c2seg-study', '--data', world['data'], '--out', world['data']/'results'), 'is inside the input')
    assert not (world['data']/'results').exists()

def test_study_refuses_an_earlier_study_resumes_and_replaces(world, env, tmp_path):
    "A second `c2seg-study` into a study folder is refused; `--resume` reuses the finished run; `--overwrite` replaces the study."
    out = tmp_path/'study'
    study = lambda *more, epochs='1', methods='segnet': run(env, 'c2seg-study', '--data', world['data'], '--out', out, '--methods', methods,
                                                            '--seeds', '0', '--epochs', epochs, '--device', 'cpu', '--quiet', *more)
    assert study().returncode == 0
    before = snapshot(out)
    fails(study(), 'study: already holds a study. Give --resume to carry on, --overwrite to replace it, or another path.')
    fails(study('--resume', '--overwrite'), '--resume --overwrite: contradict each other')
    fails(study('--resume', epochs='2'), 'seed0: was trained with other settings: epochs_planned 1 → 2. Resume with the settings the study was run with')
    fails(study('--overwrite', methods='fcn'), "unknown method 'fcn'")            # checked before the earlier study is removed
    assert snapshot(out) == before
    weights = out/'runs'/'segnet'/'seed0'/'model.pth'
    assert study('--resume').returncode == 0
    assert weights.stat().st_mtime_ns == before['runs/segnet/seed0/model.pth'][1]   # reused, not retrained
    (out/'runs'/'old').mkdir()
    assert study('--overwrite').returncode == 0
    assert not (out/'runs'/'old').exists() and weights.stat().st_mtime_ns != before['runs/segnet/seed0/model.pth'][1]

def test_study_folder_with_other_files(world, env, tmp_path):
    (tmp_path/'notes.txt').write_text('mine')
    fails(run(env, 'c2seg-study', '--data', world['data'], '--out', tmp_path, '--overwrite'), 'holds files but no study. Give a new or empty folder')
    assert [p.name for p in tmp_path.iterdir()] == ['notes.txt']

def test_check_missing_folder(env, tmp_path):
    r = run(env, 'c2seg-check', tmp_path/'nope')
    assert r.returncode == 1 and 'nope' in r.stderr and 'Traceback' not in r.stderr

# --- files get the umask's permissions ---------------------------------------------------------------------------

def test_files_follow_the_umask(world, env, tmp_path):
    run(env, 'c2seg-synth', tmp_path/'s', '--preset', 'mini', ok=True, umask=0o022)
    modes = {p.stat().st_mode & 0o777 for p in (tmp_path/'s').rglob('*') if p.is_file()}
    assert modes == {0o644}, sorted(oct(m) for m in modes)
    assert {p.stat().st_mode & 0o044 for p in world['pred'].rglob('*.tif')} == {0o044}   # predictions readable by colleagues too (umask 022)

# --- interrupted commands ----------------------------------------------------------------------------------------

def _wait_for(path:Path, proc, timeout=120):
    t0 = time.time()
    while not path.exists():
        assert proc.poll() is None, proc.wait()
        assert time.time() - t0 < timeout, f"{path} never appeared"
        time.sleep(0.02)

@pytest.mark.parametrize('sig, code', [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_train_killed_leaves_a_resumable_checkpoint(world, env, tmp_path, sig, code):
    import torch
    run_dir = tmp_path/'run'
    args = ['c2seg-train', str(world['data']), str(run_dir), *TRAIN, '--epochs', '5']
    proc = Command(env, *args)
    _wait_for(run_dir/'checkpoint.pth', proc)
    proc.send_signal(sig)
    r = proc.wait(); err = r.stderr
    assert r.returncode == code, err
    if sig != signal.SIGKILL:
        assert 'interrupted' in err and 'checkpoint.pth holds the last finished epoch. Resume with: c2seg-train' in err and '--resume' in err, err
        assert 'Traceback' not in err
    assert not list(run_dir.glob('.*.tmp'))                       # no temporary file left by the atomic writers
    ckpt = torch.load(run_dir/'checkpoint.pth', weights_only=False)
    assert 0 <= ckpt['epoch'] < 4
    r = run(env, *args, '--resume', ok=True)
    assert 'of 5' in r.stdout
    rows = (run_dir/'history.csv').read_text().splitlines()
    assert [int(l.split(',')[0]) for l in rows[1:]][-1] == 4

@pytest.mark.parametrize('sig, code', [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_predict_killed_is_marked_and_resumes(world, env, tmp_path, sig, code):
    out = tmp_path/'pred'
    args = ['c2seg-predict', str(world['run']), str(world['data']), str(out), '--bs', '1', '--tta', 'd4']
    proc = Command(env, *args)
    _wait_for(out/'incomplete.json', proc)
    proc.send_signal(sig)
    r = proc.wait(); err = r.stderr
    assert r.returncode == code, err
    if sig != signal.SIGKILL: assert 'incomplete.json marks the set unfinished. Resume with: c2seg-predict' in err and 'Traceback' not in err, err
    assert (out/'incomplete.json').exists() and not (out/'predict.json').exists()
    r = run(env, 'c2seg-evaluate', out, world['data']/'test'/'label')
    assert r.returncode == 1 and 'is an incomplete prediction set' in r.stderr
    fails(run(env, *args), 'already holds predictions. Give --resume')
    run(env, *args, '--resume', ok=True)
    assert not (out/'incomplete.json').exists() and (out/'predict.json').exists()
    n = len(list((world['data']/'test'/'msi').glob('*.tiff')))
    assert len(list((out/'tiles').glob('*_prediction.tif'))) == n
    run(env, 'c2seg-evaluate', out, world['data']/'test'/'label', ok=True)

# --- c2seg-check: silent inconsistencies ---------------------------------------------------------------------------

def _tiles(root, n=3, dtype=np.uint16):
    for i in range(n):
        for m, c in (('hsi', 3), ('msi', 4), ('sar', 2)): write_geotiff(root/'train'/m/f'{i}.tiff', np.ones((c, 8, 8), dtype))
        write_geotiff(root/'train'/'label'/f'{i}.tiff', np.ones((8, 8), np.uint8))

@pytest.mark.parametrize('odd, message', [
    (lambda r: write_geotiff(r/'train'/'msi'/'01.tiff', np.ones((4, 8, 8), np.uint16)), 'msi/1.tiff: is tile 1 again (beside 01.tiff)'),
    (lambda r: write_geotiff(r/'train'/'sar'/'2.tif', np.ones((2, 8, 8), np.uint16)), 'sar/2.tiff: is tile 2 again (beside 2.tif)'),
    (lambda r: write_geotiff(r/'train'/'hsi'/'0.tiff', np.full((3, 8, 8), 0.58, np.float32)), 'hsi/0.tiff: is stored as float32 but the other hsi tiles are uint16'),
])
def test_check_finds_duplicates_and_odd_tiles(env, tmp_path, odd, message):
    _tiles(tmp_path); odd(tmp_path)
    r = run(env, 'c2seg-check', tmp_path)
    assert r.returncode == 1 and message in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_check_and_evaluate_fail_in_one_line(world, env, tmp_path):
    "Their faults read as every command's: `c2seg-X: <file>: <problem>. <fix>`, no `FAILED:` of their own."
    _tiles(tmp_path); write_geotiff(tmp_path/'train'/'label'/'1.tiff', np.full((8, 8), 200, np.uint8))
    fails(run(env, 'c2seg-check', tmp_path), f"c2seg-check: {tmp_path/'train'/'label'/'1.tiff'}: label values [200] are outside 0..13")
    fails(run(env, 'c2seg-evaluate', world['pred'], world['data']/'test'/'label', 'pred_bw'),
          'c2seg-evaluate: pred_bw: has no labels to pair with (paths come in PRED LABELS pairs; got 3). Give its labels after it.')
    fails(run(env, 'c2seg-evaluate', world['d']/'nope', world['data']/'test'), 'nope: not found (the predictions)')

def test_check_names_leftovers_of_earlier_versions(world, env, tmp_path):
    "`band_stats.json` and `.c2seg_cache/` of earlier versions: named with the command that removes them, not deleted, the check still OK."
    data = tmp_path/'mini'
    shutil.copytree(world['data'], data)
    (data/'train'/'band_stats.json').write_text('{}'); (data/'test'/'.c2seg_cache'/'ab12').mkdir(parents=True)
    before = snapshot(data)
    r = run(env, 'c2seg-check', data, ok=True)
    note = [l for l in r.stdout.splitlines() if l.startswith('Note: ')]
    assert len(note) == 1 and note[0].endswith(f"Remove with: rm -r {data/'train'/'band_stats.json'} {data/'test'/'.c2seg_cache'}"), r.stdout
    assert 'OK: every modality' in r.stdout
    rep = json.loads(run(env, 'c2seg-check', data, '--json', ok=True).stdout)
    assert rep['ok'] and rep['leftovers'] == [str(data/'train'/'band_stats.json'), str(data/'test'/'.c2seg_cache')]
    assert snapshot(data) == before                               # reported, never deleted

def test_no_progress_bar_text_when_redirected(world, env):
    "`c2seg-check` and `c2seg-evaluate` draw bars on a terminal only: a redirected report has no bar text."
    for args in (('c2seg-check', world['data']), ('c2seg-check', world['data'], '--json'),
                 ('c2seg-evaluate', world['pred'], world['data']/'test'/'label'), ('c2seg-evaluate', world['pred'], world['data']/'test'/'label', '--json')):
        r = run(env, *args, ok=True)
        assert '\r' not in r.stdout + r.stderr and '█' not in r.stdout + r.stderr, args
        if '--json' in args: json.loads(r.stdout)
