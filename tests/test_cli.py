"End-to-end tests of the console scripts, run as a user runs them (subprocesses, temporary folders)."
import json, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
from c2seg_nb.data.io import write_mat_v5, write_mat_v73, TileSet, write_geotiff

def run(*args, ok=True):
    r = subprocess.run(list(args), capture_output=True, text=True)
    if ok: assert r.returncode == 0, f"{args} failed:\n{r.stdout}\n{r.stderr}"
    return r

@pytest.mark.parametrize('cmd', ['c2seg-synth', 'c2seg-import', 'c2seg-check', 'c2seg-train', 'c2seg-predict', 'c2seg-evaluate', 'c2seg-study'])
def test_help(cmd):
    r = run(cmd, '--help')
    assert 'usage' in r.stdout and 'Warning' not in r.stderr, r.stderr      # fastai's jit warning is silenced for every command

def test_synth_then_check(tmp_path):
    out = tmp_path/'synth'
    run('c2seg-synth', str(out), '--preset', 'mini', '--seed', '3')
    rep = json.loads(run('c2seg-check', str(out), '--dataset', 'synth:mini', '--json').stdout)
    assert rep['ok'] and {'train', 'test'} <= set(rep['parts'])
    assert json.loads(run('c2seg-check', str(out), '--json').stdout)['dataset'] == 'synth:mini'   # recorded by c2seg-synth
    assert rep['parts']['test']['label_histogram'] is not None      # target labels kept for scoring
    assert any(p['modalities']['sar']['nonfinite'] > 0 for p in rep['parts'].values())   # the documented NaN pixels

def test_import_v73_test_split_with_labels(tmp_path):
    rng = np.random.default_rng(0)
    H, W = 300, 280
    write_mat_v73(tmp_path/'wuhan.mat', {'HSI': rng.random((100, 94, 116)).astype(np.float32),
                                         'MSI': rng.random((H, W, 4)).astype(np.float32), 'SAR': -rng.random((H, W, 2)).astype(np.float32)})
    lab = rng.integers(0, 14, (H, W)).astype(np.uint8)
    write_mat_v73(tmp_path/'wuhan_label.mat', {'label': lab})
    run('c2seg-import', str(tmp_path/'wuhan.mat'), str(tmp_path/'C2Seg_BW'), '--dataset', 'bw', '--split', 'test')
    ts = TileSet(tmp_path/'C2Seg_BW', 'test')
    assert len(ts) == 4 and ts.has_label                                # 256 px, no overlap, flush last windows
    np.testing.assert_array_equal(ts.read_label(3), lab[44:300, 24:280])
    rep = json.loads((tmp_path/'C2Seg_BW'/'test'/'import_report.json').read_text())
    assert rep['n_tiles'] == 4 and rep['labels'] and (rep['dataset'], rep['card']) == ('bw', 'C2Seg-BW')

def test_import_refuses_mat_without_sar(tmp_path):
    rng = np.random.default_rng(0)
    write_mat_v5(tmp_path/'augsburg_multimodal.mat', {'HSI': rng.random((8, 8, 242)), 'MSI': rng.random((8, 8, 4))})
    r = run('c2seg-import', str(tmp_path/'augsburg_multimodal.mat'), str(tmp_path/'out'), ok=False)
    assert r.returncode != 0 and "augsburg_multimodal.mat: no variable ['SAR']" in r.stderr

def test_check_fails_with_message(tmp_path):
    for i in range(2):
        for m, c in (('hsi', 3), ('msi', 4), ('sar', 2)): write_geotiff(tmp_path/'train'/m/f'{i}.tiff', np.zeros((c, 8, 8), np.float32))
        write_geotiff(tmp_path/'train'/'label'/f'{i}.tiff', np.full((8, 8), 200 if i else 1, np.uint8))
    r = run('c2seg-check', str(tmp_path), ok=False)
    assert r.returncode == 1 and r.stderr.startswith('c2seg-check: ') and 'label/1.tiff: label values [200] are outside 0..13' in r.stderr
    assert r.stderr.count('\n') == 1 and 'FAILED' not in r.stderr

def test_synth_train_predict_evaluate(tmp_path):
    "The whole chain a user runs, on the mini benchmark; predictions keep the inputs' georeference."
    from c2seg_nb.data.io import tiff_info
    data, run_dir, pred = tmp_path/'mini', tmp_path/'run', tmp_path/'pred'
    run('c2seg-synth', str(data), '--preset', 'mini')
    run('c2seg-train', str(data), str(run_dir), '--method', 'segnet', '--epochs', '2', '--bs', '4', '--device', 'cpu', '--quiet')
    assert {'config.json', 'normalizer.json', 'model.pth', 'history.csv', 'checkpoint.pth'} <= {p.name for p in run_dir.iterdir()}
    run('c2seg-predict', str(run_dir), str(data), str(pred))
    tiles = sorted((pred/'tiles').glob('*_prediction.tif'))
    assert len(tiles) == len(list((data/'test'/'msi').glob('*.tiff')))
    for p in tiles[:3]:
        n = p.name.split('_')[0]
        got, ref = tiff_info(p), tiff_info(data/'test'/'msi'/f'{n}.tiff')
        assert (got['crs'], got['transform'], got['dtype']) == (ref['crs'], ref['transform'], 'uint8')
    assert tiff_info(pred/'scene_prediction.tif')['crs'] == tiff_info(data/'scenes'/'target'/'msi.tif')['crs']
    rep = json.loads(run('c2seg-evaluate', str(pred/'tiles'), str(data/'test'), '--json').stdout)
    text = json.dumps(rep)
    assert 'miou' in text and 'kappa' in text
    table = run('c2seg-evaluate', str(pred/'tiles'), str(data/'test')).stdout
    assert '| class |' in table or 'mIoU' in table
    run('c2seg-predict', str(run_dir), str(data), str(tmp_path/'pred_adabn'), '--batchnorm', 'adapted', '--quiet')
    assert json.loads((tmp_path/'pred_adabn'/'predict.json').read_text())['batchnorm'] == 'adapted'   # AdaBN: target-image statistics
    r = run('c2seg-predict', str(run_dir), str(data), str(tmp_path/'pred_x'), '--batchnorm', 'target', ok=False)
    assert r.returncode != 0 and "invalid choice: 'target'" in r.stderr

def test_train_highdan_released_protocol(tmp_path):
    "A method registered through an entry point, its protocol and options, from the command line; then predicted."
    import csv
    data, run_dir = tmp_path/'mini', tmp_path/'highdan'
    run('c2seg-synth', str(data), '--preset', 'mini')
    assert 'highdan' in run('c2seg-train', '--help').stdout
    out = run('c2seg-train', str(data), str(run_dir), '--method', 'highdan', '--protocol', 'released', '--options', 'ablation=category_da',
              '--epochs', '2', '--hsi', 'pca', '--device', 'cpu').stdout
    assert 'best target_miou' in out
    cfg = json.loads((run_dir/'config.json').read_text())
    assert (cfg['protocol'], cfg['select'], cfg['schedule'], cfg['bs'], cfg['options']['ablation']) == ('released', 'target', 'poly', 4, 'category_da')
    rows = list(csv.DictReader(open(run_dir/'history.csv')))
    assert len(rows) == 2 and 'target_miou' in rows[0]
    run('c2seg-predict', str(run_dir), str(data), str(tmp_path/'pred'))
    assert (tmp_path/'pred'/'scene_prediction.tif').exists()
    bad = run('c2seg-train', str(data), str(tmp_path/'x'), '--method', 'highdan', '--options', 'ablation=none', '--epochs', '1', ok=False)
    assert bad.returncode == 1 and 'option ablation must be one of' in bad.stderr and 'Traceback' not in bad.stderr
