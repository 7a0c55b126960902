"""Record a benchmark's headline ratios in `benchmarks/results/<script>.json`, read by the documentation site.

Format (one file per script, overwritten by each run):

    {"benchmark": "<script stem>", "title": "<first line of the script's docstring>",
     "command": "python benchmarks/<script>.py [args]", "measured": "<ISO 8601 UTC time>",
     "machine": "<CPU model, cores>", "ratios": [{"name": str, "value": float, "goal": str, "met": bool | null}]}
"""
import datetime, json, os, platform, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent/'results'

def _machine() -> str:
    model = platform.processor() or platform.machine()
    try: model = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    return f"{model}, {os.cpu_count()} CPU cores"

def save_result(script: str, title: str, ratios: list[dict]) -> Path:
    "Write the ratios measured by `script` (its `__file__`); each ratio: name, value, goal, met (None if no goal)."
    RESULTS.mkdir(exist_ok=True)
    stem = Path(script).stem
    out = RESULTS/f'{stem}.json'
    out.write_text(json.dumps(dict(
        benchmark=stem, title=title, command=' '.join(['python', f'benchmarks/{Path(script).name}', *sys.argv[1:]]),
        measured=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=_machine(),
        ratios=[dict(name=r['name'], value=float(r['value']), goal=r.get('goal', ''), met=r.get('met')) for r in ratios]),
        indent=1) + '\n')
    print(f"recorded in {out.relative_to(RESULTS.parent.parent)}")
    return out
