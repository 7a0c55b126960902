"Run every notebook in `nbs/` as a test, with nbdev's runner and the project's skip flags."
from pathlib import Path
import pytest
import nbdev.test as nbt
from nbdev.config import get_config

CFG = get_config()
NBS = sorted(p for p in Path(CFG.nbs_path).rglob('*.ipynb')
             if not p.name.startswith(('_', '.')) and '.ipynb_checkpoints' not in p.parts)

@pytest.mark.parametrize('nb', NBS, ids=lambda p: p.name)
def test_notebook(nb):
    ok, secs = nbt.test_nb(nb, skip_flags=CFG.tst_flags, basepath=CFG.config_path)
    assert ok, f'{nb.name} failed (traceback above)'
