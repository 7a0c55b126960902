"""Record a benchmark's headline ratios in `benchmarks/results/<script>.json`, read by the documentation site.

Format (one file per script, overwritten by each run):

    {"benchmark": "<script stem>", "title": "<first line of the script's docstring>",
     "command": "python benchmarks/<script>.py [args]", "measured": "<ISO 8601 UTC time>",
     "machine": "<CPU model>, <cores> or <k> pinned core(s) of <cores>, torch <n> thread(s), load average",
     "ratios": [{"name": str, "value": float, "goal": str, "met": bool | null}]}
"""
import datetime, json, os, platform, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent/'results'

def _machine(threads: int | None = None) -> str:
    "The CPU model, the cores this process may run on (its affinity, e.g. `taskset -c 0`), torch's threads and the load."
    model = platform.processor() or platform.machine()
    try: model = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    n = os.cpu_count()
    try: cores = sorted(os.sched_getaffinity(0))
    except AttributeError: cores = list(range(n))                     # not Linux: no affinity to read
    where = f"{n} CPU cores" if len(cores) == n else \
            f"{len(cores)} pinned core{'s' if len(cores) > 1 else ''} of {n} (cores {','.join(map(str, cores))})"
    torch = sys.modules.get('torch')                                   # the script's own torch, threads as it set them
    if not threads and torch is not None: threads = torch.get_num_threads()
    return f"{model}, {where}" + (f", torch {threads} thread(s)" if threads else '') + \
           f", load average {os.getloadavg()[0]:.1f} (1 min) when recorded"

def save_result(script: str, title: str, ratios: list[dict], threads: int | None = None) -> Path:
    """Write the ratios measured by `script` (its `__file__`); each ratio: name, value, goal, met (None if no goal).
    `threads`: torch's threads in the measured child processes, when they set their own (`--threads`); else this process's."""
    RESULTS.mkdir(exist_ok=True)
    stem = Path(script).stem
    out = RESULTS/f'{stem}.json'
    out.write_text(json.dumps(dict(
        benchmark=stem, title=title, command=' '.join(['python', f'benchmarks/{Path(script).name}', *sys.argv[1:]]),
        measured=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'), machine=_machine(threads),
        ratios=[dict(name=r['name'], value=float(r['value']), goal=r.get('goal', ''), met=r.get('met')) for r in ratios]),
        indent=1) + '\n')
    print(f"recorded in {out.relative_to(RESULTS.parent.parent)}")
    return out
