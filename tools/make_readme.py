"""Write README.md from nbs/index.ipynb without Quarto (Quarto cannot be installed offline).

Markdown cells are copied, code cells are fenced as Python, text outputs are fenced below them; cells marked
`#| hide`, `#| include: false` or `#| echo: false` are left out, as Quarto would. `--check` exits 1 when
README.md is stale. Where Quarto exists, `nbdev-readme` gives the same content rendered by Quarto.
"""
import argparse, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_DIRECTIVE = re.compile(r'^\s*#\s*\|\s*(.*)$')

def _directives(src: str) -> set[str]:
    return {m.group(1).strip().replace(' ', '') for line in src.splitlines() if (m := _DIRECTIVE.match(line))}

def _outputs(cell) -> list[str]:
    "Markdown outputs as they are, stream and plain-text outputs fenced; images are left to the docs site."
    out = []
    for o in cell.get('outputs', []):
        data = o.get('data', {})
        if o.get('output_type') == 'stream': out.append('```\n' + ''.join(o['text']).rstrip() + '\n```\n')
        elif 'text/markdown' in data: out.append(''.join(data['text/markdown']).strip() + '\n')
        elif 'text/plain' in data: out.append('```\n' + ''.join(data['text/plain']).rstrip() + '\n```\n')
    return out

def render(nb_path: Path = ROOT/'nbs'/'index.ipynb') -> str:
    "README text for the notebook at `nb_path`."
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    parts = ['<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook. -->\n']
    for cell in nb['cells']:
        src = ''.join(cell['source'])
        flags = _directives(src)
        if cell['cell_type'] == 'markdown':
            parts.append(src.strip() + '\n'); continue
        if cell['cell_type'] != 'code' or flags & {'hide', 'include:false'}: continue
        code = '\n'.join(l for l in src.splitlines() if not _DIRECTIVE.match(l)).strip()
        if code and 'echo:false' not in flags: parts.append(f'```python\n{code}\n```\n')
        parts += _outputs(cell)
    return '\n'.join(parts)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--check', action='store_true', help='exit 1 if README.md differs from the notebook')
    args = ap.parse_args(argv)
    text, readme = render(), ROOT/'README.md'
    if args.check:
        if not readme.exists() or readme.read_text(encoding='utf-8') != text:
            sys.exit('README.md is stale: run `python tools/make_readme.py` after editing nbs/index.ipynb.')
        return
    readme.write_text(text, encoding='utf-8')

if __name__ == '__main__': main()
