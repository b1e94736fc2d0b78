"""The ``barometer`` command.

Each sub-command is a thin wrapper over a package function.  Errors that
come from the data (a bad export, a broken codebook, a malformed
``wave.yaml``) are printed as one line naming the file and the problem, and
the command exits non-zero; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from barometer import __version__

EXIT_OK = 0
EXIT_DATA_ERROR = 1
EXIT_USAGE = 2


def _cmd_waves(args: argparse.Namespace) -> int:
    from barometer.ingest import read_wave_export
    from barometer.waves import list_waves

    waves = list_waves(args.raw_dir)
    if not waves:
        print("no wave registered under data/raw/*/wave.yaml")
        return EXIT_OK
    print(f"{'wave':<8}{'codebook':<10}{'fieldwork':<26}{'answers':>8}  {'file':<14}synthetic")
    for w in waves:
        period = f"{w.fieldwork_start} → {w.fieldwork_end}"
        answers = len(read_wave_export(w))
        synthetic = "yes" if w.synthetic else "no"
        print(f"{w.id:<8}{w.codebook:<10}{period:<26}{answers:>8}  {w.file.name:<14}{synthetic}")
    return EXIT_OK


def _cmd_synth(args: argparse.Namespace) -> int:
    from barometer.synth import write_wave

    written = write_wave(
        wave=args.wave,
        n=args.n,
        seed=args.seed,
        out=Path(args.out),
        codebook=args.codebook,
        encoding=args.encoding,
        delimiter=args.delimiter,
    )
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _cmd_clean(args: argparse.Namespace) -> int:
    from barometer.prepare import prepare_wave
    from barometer.waves import list_waves

    wave_ids = args.wave or [w.id for w in list_waves()]
    for wave_id in wave_ids:
        result = prepare_wave(wave_id)
        print(result.summary())
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from barometer.prepare import validate_export

    report = validate_export(Path(args.path), codebook=args.codebook)
    print(report.render())
    return EXIT_OK if report.usable else EXIT_DATA_ERROR


def _cmd_run(args: argparse.Namespace) -> int:
    from barometer.pipeline import run

    # ``--notebook NAME`` (repeatable) selects notebooks, the only way to run a private one
    return run(
        waves=args.wave,
        jobs=args.jobs,
        html=not args.no_html,
        force=args.force,
        notebooks=args.notebook,
    )


def _cmd_peers(args: argparse.Namespace) -> int:
    from barometer.peers import write_wave_reports

    if not args.all and not args.respondent:
        raise ValueError("give --respondent PSEUDONYM (repeatable) or --all")
    mapping, out_dir, seconds = write_wave_reports(
        args.wave, respondents=None if args.all else args.respondent
    )
    print(f"wrote {len(mapping)} peer report(s) to {out_dir} in {seconds:.1f} s")
    print(f"mapping pseudonym → file: {out_dir / 'peers-mapping.csv'} (never publish it)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``barometer`` command."""
    parser = argparse.ArgumentParser(
        prog="barometer",
        description="The AI4Impact barometer: from survey exports to published results.",
    )
    parser.add_argument("--version", action="version", version=f"barometer {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("waves", help="list the registered waves")
    p.add_argument("--raw-dir", default=None, help="folder of the waves (default data/raw)")
    p.set_defaults(func=_cmd_waves)

    p = sub.add_parser("synth", help="write a synthetic wave as the survey tool would export it")
    p.add_argument("--wave", required=True, help="wave id, e.g. 2025")
    p.add_argument("--n", type=int, default=500, help="rows in the export (default 500)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    p.add_argument("--out", required=True, help="output folder (data/raw/<wave> to register)")
    p.add_argument("--codebook", default=None, help="codebook version (default from the wave)")
    p.add_argument("--encoding", default="utf-8", help="CSV encoding, e.g. cp1252")
    p.add_argument("--delimiter", default=",", help="CSV delimiter, e.g. ';'")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("clean", help="clean, pseudonymise and weight waves into data/processed")
    p.add_argument("--wave", action="append", help="wave id (repeatable; default all)")
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("validate", help="check an export against the codebook, writing nothing")
    p.add_argument("path", help="the export file (CSV or XLSX) or its wave folder")
    p.add_argument("--codebook", default=None, help="codebook version (default from wave.yaml)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("peers", help="write peer-positioning reports (private, never published)")
    p.add_argument("--wave", required=True, help="wave id")
    p.add_argument("--respondent", action="append", help="pseudonym (repeatable)")
    p.add_argument("--all", action="store_true", help="every respondent who gave a contact")
    p.set_defaults(func=_cmd_peers)

    p = sub.add_parser("run", help="execute every notebook for every wave and publish HTML")
    p.add_argument("--wave", action="append", help="wave id (repeatable; default all)")
    p.add_argument("--jobs", type=int, default=1, help="parallel notebook executions")
    p.add_argument("--no-html", action="store_true", help="execute only, render no HTML")
    p.add_argument("--force", action="store_true", help="re-run steps whose inputs did not change")
    p.add_argument(
        "--notebook",
        action="append",
        help="run only this notebook (name or NN prefix, repeatable; needed for private ones)",
    )
    p.set_defaults(func=_cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``barometer`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return func(args)
    except KeyboardInterrupt:
        print("barometer: interrupted", file=sys.stderr)
        return 130
    except (ValueError, OSError, KeyError) as exc:
        if args.debug:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"barometer: error: {message}", file=sys.stderr)
        return EXIT_DATA_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
