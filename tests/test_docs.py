"Docs checks that need no Quarto: README freshness, the sidebar, notebook titles, and the README's commands."
import json, re, subprocess, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
NOTEBOOKS = sorted(p.name for p in NBS.glob('*.ipynb') if not p.name.startswith('_'))

def test_readme_is_fresh():
    r = subprocess.run([sys.executable, str(ROOT/'tools'/'make_readme.py'), '--check'], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

def test_quarto_files_parse():
    for f in ('_quarto.yml', 'nbdev.yml', 'sidebar.yml'): assert isinstance(yaml.safe_load((NBS/f).read_text()), dict), f

def _sidebar_entries(items):
    for it in items:
        if isinstance(it, str): yield it
        else: yield from _sidebar_entries(it.get('contents', []))

def test_sidebar_matches_notebooks():
    side = list(_sidebar_entries(yaml.safe_load((NBS/'sidebar.yml').read_text())['website']['sidebar']['contents']))
    assert sorted(side) == NOTEBOOKS, f'sidebar.yml and nbs/ differ: {set(side) ^ set(NOTEBOOKS)}'

def test_every_notebook_has_title_and_summary():
    for name in NOTEBOOKS:
        first = ''.join(json.loads((NBS/name).read_text())['cells'][0]['source'])
        assert re.match(r'# \S', first) and '\n> ' in first, f'{name}: first cell needs "# Title" and "> summary"'

def test_ci_runs_the_readme_test_command():
    readme, ci = (ROOT/'README.md').read_text(), (ROOT/'.ci'/'run').read_text()
    cmd = re.search(r'```bash\n(?:# tests\n)(.+?)\n```', readme).group(1)
    assert cmd in ci, f'.ci/run must run the README test command: {cmd}'
