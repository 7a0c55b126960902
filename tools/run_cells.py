"""Run chosen cells of a notebook in one kernel and store their outputs in the notebook.

A study notebook's `#| slow` cells read run folders that only the machine which trained them holds; when
those exist for some cells and not others, this runs just the cells asked for (after the notebook's first
code cells up to and including `--setup`, the imports) and leaves every other cell's stored output as it
is. Cells run in notebook order, whatever the order of `--ids`; the first error stops the run and nothing
is written. Run `nbdev-clean` afterwards, as after any notebook edit.

    python tools/run_cells.py nbs/31_study.challenge.ipynb --setup 31c0a002 --ids 31c0a052 31c0a055 31c0a054
"""
import argparse, os, sys
from pathlib import Path
from nbdev.process import read_nb, write_nb
from execnb.shell import CaptureShell

def run_cells(nb_path: Path, setup: str, ids: list[str]) -> list[str]:
    "Run the cells up to `setup` and the cells `ids` of `nb_path` in order, storing the latter's outputs; the ids run."
    nb = read_nb(nb_path)
    order = [c.get('id') for c in nb.cells]
    for i in [setup, *ids]:
        if i not in order: sys.exit(f"{nb_path}: no cell with id {i!r}. Ids are in the notebook's JSON (`\"id\":`).")
    first = order.index(setup)
    chosen = {i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and (i <= first or c.get('id') in ids)}
    shell, ran, cwd = CaptureShell(), [], os.getcwd()
    os.chdir(nb_path.parent)                                   # as nbdev-test runs it: relative paths from the notebook's folder
    try:
        for i in sorted(chosen):
            cell = nb.cells[i]
            stored = cell.get('outputs', [])
            shell.cell(cell)
            if shell.exc: sys.exit(f"{nb_path}: cell {cell.get('id')} failed: {shell.exc!r}. Nothing written.")
            if cell.get('id') in ids: ran.append(cell.get('id'))
            else: cell.outputs = stored                        # a setup cell keeps the output it had
    finally: os.chdir(cwd)
    write_nb(nb, nb_path)
    return ran

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebook', type=Path)
    ap.add_argument('--setup', required=True, help="id of the last setup cell (imports): it and every code cell before it run first")
    ap.add_argument('--ids', nargs='+', required=True, help="ids of the cells to run and store")
    a = ap.parse_args()
    print('ran and stored:', ' '.join(run_cells(a.notebook, a.setup, a.ids)))
