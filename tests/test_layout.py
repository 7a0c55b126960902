"The package's layout: imports flow one way (no loops, also not through entry points), each module imports only modules of earlier notebooks, and the data cards ship unchanged."
import ast, filecmp, importlib.metadata, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'c2seg_nb'

def _modules() -> dict[str, Path]:
    return {'.'.join(('c2seg_nb', *p.relative_to(PKG).with_suffix('').parts)).removesuffix('.__init__'): p
            for p in PKG.rglob('*.py') if p.name != '_modidx.py'}

def _imports(name:str, path:Path) -> set[str]:
    "The c2seg_nb modules `name` imports, wherever in the file."
    pkg = name.rsplit('.', 1)[0] if path.name != '__init__.py' else name
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = pkg.split('.')
                base = '.'.join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith('c2seg_nb'): out.add(base)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith('c2seg_nb.')}
    return out

def _graph() -> dict[str, set]:
    mods = _modules()
    graph = {m: {i for i in _imports(m, p) if i in mods and i != m} for m, p in mods.items()}
    eps = {ep.value for ep in importlib.metadata.entry_points(group='c2seg_nb.methods')}
    graph['c2seg_nb.methods.registry'] |= {m for m in eps if m in mods}   # load_methods imports them through importlib
    return graph

def test_no_import_loops():
    graph, state = _graph(), {}
    def visit(m, path):
        if state.get(m) == 'done': return
        assert state.get(m) != 'open', f"import loop: {' -> '.join(path + [m])}"
        state[m] = 'open'
        for n in sorted(graph[m]): visit(n, path + [m])
        state[m] = 'done'
    for m in sorted(graph): visit(m, [])

def test_modules_import_only_earlier_notebooks():
    "Each exported module imports only modules whose notebooks come earlier: the notebook order is the import order."
    order = {}
    for m, p in _modules().items():
        if (hit := re.search(r'File to edit: \S*nbs/(\d+)([a-z]?)_', p.read_text())): order[m] = (int(hit.group(1)), hit.group(2))
    for m, deps in _graph().items():
        if m not in order or m == 'c2seg_nb.methods.registry': continue          # the registry's entry-point edges are dynamic
        late = [d for d in deps if order.get(d, (-1, '')) > order[m]]
        assert not late, f"{m} (notebook {order[m]}) imports {late}, defined in later notebooks"

def test_data_cards_ship_unchanged():
    cards, shipped = ROOT/'data_cards', PKG/'data_cards'
    names = sorted(p.name for p in cards.glob('*.md'))
    assert names == sorted(p.name for p in shipped.glob('*.md'))
    _, mismatch, errors = filecmp.cmpfiles(cards, shipped, names, shallow=False)
    assert not mismatch and not errors, f"data_cards/ and c2seg_nb/data_cards/ differ: {mismatch + errors}"
