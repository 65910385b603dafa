"""The course recipe's ladder and leave-one-out table over seeds (docs/ablation.md keeps its latest output).

    python -m tools.ablation --epochs 30 --seeds 0 1 2 [--leave-one-out] [--only NAME ...] [--root DIR]
"""

import argparse
import sys
import tempfile
from pathlib import Path

from gan_helpers import ablation


def main(argv=None):
    """`python -m tools.ablation`: train the ladder (and, if asked, leave-one-out) over seeds; print the table."""
    parser = argparse.ArgumentParser(prog="python -m tools.ablation", description=__doc__.splitlines()[0])
    budget = parser.add_mutually_exclusive_group(required=True)
    budget.add_argument("--epochs", type=int, help="epochs of the 5,000 offline digits per run (30 is the main job)")
    budget.add_argument("--minutes", type=float, help="wall-clock minutes per run")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds (default 0 1 2)")
    parser.add_argument("--leave-one-out", action="store_true", help="also train the course recipe without each trick")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="train only these configurations (names as in the table)")
    parser.add_argument("--num", type=int, default=None, help="digits scored per run (default 2,000, as evaluate)")
    parser.add_argument("--root", type=Path, help="keep the run folders here (default: a temporary folder)")
    args = parser.parse_args(argv)
    if (args.epochs is not None and args.epochs < 1) or (args.minutes is not None and not args.minutes > 0):
        parser.error("the budget must be positive")
    from gan_helpers import cli, data, evaluation

    cli.import_tensorflow_quietly()
    images, _ = data.load_mnist("offline", verbose=False)
    configurations = [(name, settings.replace(data="offline")) for name, settings in ablation.ladder(args.leave_one_out)]
    if args.only:
        unknown = sorted(set(args.only) - {name for name, _ in configurations})
        if unknown:
            parser.error(f"no configuration {unknown[0]!r}; expected one of: {', '.join(name for name, _ in configurations)}")
        configurations = [(name, settings) for name, settings in configurations if name in args.only]
    with tempfile.TemporaryDirectory() as scratch:
        root = args.root or Path(scratch)
        results = ablation.run(configurations, args.seeds, root, images, args.minutes, args.epochs, args.num,
                      report=lambda line: print(line, flush=True))
    budget_text = f"{args.epochs} epochs" if args.epochs else f"{args.minutes:g} minutes"
    print(f"\nEach run: {budget_text} on the offline digits; {results[0].scores.num_images:,} digits scored (noise seed 42).\n")
    print(ablation.markdown_table(results, evaluation.real_floor()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
