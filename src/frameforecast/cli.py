"""Command line: frameforecast data | train | evaluate | render | site | run | serve."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from frameforecast import families, runlock
from frameforecast.config import options
from frameforecast.config.parsers import non_negative_int, port_number, positive_float, positive_int
from frameforecast.errors import FILESYSTEM_ERRNOS, UserError, filesystem_error

EPILOG_EXAMPLES = {
    "data": "examples:\n  frameforecast data list\n  frameforecast data show milk\n"
    "  frameforecast data fetch moving-mnist-test\n  frameforecast data verify",
    "train": "examples:\n  frameforecast train mnist-predict --profile quick\n"
    "  frameforecast train milk-lookback --profile smoke --epochs 5\n"
    "  frameforecast train lookback --csv sales.csv --column sales --time-column date --season 12\n"
    "  frameforecast train video --data clips/ --canvas 64 --in-frames 10 --out-frames 10",
    "evaluate": "examples:\n  frameforecast evaluate mnist-predict\n"
    "  frameforecast evaluate mnist-predict --test-set standard --limit 1000",
    "render": "example:\n  frameforecast render mnist-predict",
    "predict": "examples:\n  frameforecast predict mnist-predict --video street.mp4\n"
    "  frameforecast predict mnist-predict --video frames/ --start 40\n"
    "  frameforecast predict video-myclips --video new.gif   (a model from train video --data)",
    "forecast": "examples:\n  frameforecast forecast airline-lookback --horizon 12\n"
    "  frameforecast forecast lookback --csv sales.csv --column sales --horizon 6",
    "site": "example:\n  frameforecast site   (reads runs/*/, writes site/)",
    "run": "examples:\n  frameforecast run --profile quick\n  frameforecast run milk-lookback airline-lookback --profile smoke\n"
    "  frameforecast run signals-2 --units 35   (a variant: kept beside the profile's run, compared on its page)",
    "compare": "example:\n  frameforecast run signals-2 --units 35 && frameforecast compare signals-2",
    "serve": "example:\n  frameforecast serve --port 8000   (then open http://127.0.0.1:8000)",
    "improve": "examples:\n  frameforecast improve mnist-predict --minutes 60\n"
    "  frameforecast improve mnist-reconstruct --minutes 30 && frameforecast site",
}


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _experiment_options(p: argparse.ArgumentParser, own: tuple = ()) -> None:
    """evaluate / render: which run, found by experiment and profile, or by your data's file name (`own`: options
    the command itself defines, which a data option of the same name does not take)."""
    from frameforecast.config import experiments

    p.add_argument("experiment", help=f"one of: {', '.join(experiments.EXPERIMENTS)}")
    p.add_argument("--profile", default="quick", help="smoke | quick | paper (default: quick)")
    p.add_argument("--run-dir", help="write/read this folder instead of runs/<experiment>/")
    options.add_data_options(p, skip=own)  # the same options as `train`; a flag absent is None there too
    p.set_defaults(own_options=own)


def _evaluate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--test-set", help="standard | generated (video experiments)")
    p.add_argument("--limit", type=positive_int, help="evaluate on the first N test sequences only")
    p.add_argument("--standard-file", help="a local copy of mnist_test_seq.npy")


def build_parser() -> Parser:
    parser = Parser(
        prog="frameforecast",
        description="Classic LSTM sequence models, reproduced and measured against honest baselines.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's own log lines too")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    def add(name, help_text):
        return sub.add_parser(
            name,
            help=help_text.replace("%", "%%"),  # argparse %-formats a command's help, not its description
            description=help_text,
            epilog=EPILOG_EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("data", "List, fetch, verify and preview the data sets.")
    p.add_argument("action", choices=["list", "fetch", "verify", "show"], help="what to do")
    p.add_argument("name", nargs="?", help="data set name (fetch, show)")
    p.add_argument("--out", default="runs/data", help="where `show` writes its PNG preview (default: runs/data)")

    p = add(
        "train",
        "Train one experiment (resumable: run the same command again after a crash). "
        "`frameforecast train EXPERIMENT --help` lists the options that experiment offers.",
    )
    options.add_experiment_parsers(p, Parser)

    p = add("evaluate", "Score a trained experiment on its test set, beside the baselines; writes metrics.json.")
    _experiment_options(p)
    _evaluate_options(p)

    p = add("render", "Draw GIFs and plots of an evaluated experiment.")
    _experiment_options(p)

    p = add(
        "predict",
        "Predict the frames that follow your own video with a trained video model (no metrics: "
        "there is no ground truth).",
    )
    p.add_argument(
        "experiment",
        help="a trained forecasting video experiment or run folder name (mnist-predict, mnist-composite, video-…)",
    )
    p.add_argument(
        "--video", required=True, help=".mp4, .avi, .mov, .gif, a folder of images, or an .npy (T, H, W[, C]) uint8"
    )
    p.add_argument(
        "--start", type=non_negative_int, help="use the input frames from this frame on (default: the last ones)"
    )
    p.add_argument("--run-dir", help="the trained model's folder (default: runs/<experiment>/)")

    p = add(
        "forecast",
        "Forecast the steps after the last timestamp of a trained, evaluated look-back experiment, with 80 % and "
        "95 % intervals calibrated on its backtest; writes forecast.csv and future.png.",
    )
    _experiment_options(p, own=("horizon",))
    p.add_argument(
        "--horizon", type=positive_int, help="steps ahead (default and most: the backtest's horizon, one season)"
    )

    p = add("site", "Build the static results site from runs/*/ into site/.")
    p.add_argument("--runs", default="runs", help="folder of runs (default: runs)")
    p.add_argument("--out", default="site", help="site folder (default: site)")

    p = add("run", "Train, evaluate and render experiments (default: the whole suite), then build the site.")
    p.add_argument("experiments", nargs="*", help="experiments to run (default: every one with bundled data)")
    p.add_argument("--profile", default="quick", help="smoke | quick | paper (default: quick)")
    options.add_strategy(p)
    p.add_argument("--restart", action="store_true", help="discard backups and kept results; start over")
    p.add_argument(
        "--serve",
        action="store_true",
        help="serve the live site at once, while the experiments run, and until Ctrl+C (./run_lstm.sh does)",
    )
    p.add_argument("--port", type=port_number, default=8000, help="port for --serve (default: 8000)")
    p.add_argument("--bind", default="127.0.0.1", help="address for --serve (default: 127.0.0.1)")
    options.add_run_training_options(p)
    options.add_data_options(p)

    p = add(
        "improve",
        "Train a video model further from its saved weights (learning on), in rounds; after each, evaluate, render "
        "and add a point to its learning curve. Ctrl+C stops; the same command continues.",
    )
    p.add_argument("experiment", help="a trained video experiment: mnist-predict, mnist-reconstruct, mnist-composite")
    p.add_argument("--minutes", type=positive_float, required=True, help="how long to learn on, in minutes")
    p.add_argument("--profile", default="quick", help="smoke | quick | paper (default: quick)")
    p.add_argument("--run-dir", help="the trained model's folder (default: runs/<experiment>/)")
    p.add_argument(
        "--round-minutes", type=positive_float, help="minutes per round (default: the profile's; 5 for quick)"
    )
    options.add_strategy(p)

    p = add("compare", "Compare an experiment's runs with different settings (its variants), as its page does.")
    p.add_argument(
        "experiment", help="an experiment run more than once, e.g. with frameforecast run signals-2 --units 35"
    )
    p.add_argument("--runs", default="runs", help="runs folder (default: runs)")

    p = add("serve", "Serve site/ over HTTP (127.0.0.1 unless told otherwise).")
    p.add_argument("--port", type=port_number, default=8000, help="port (default: 8000)")
    p.add_argument("--bind", default="127.0.0.1", help="address (default: 127.0.0.1)")
    p.add_argument("--directory", default="site", help="folder to serve (default: site)")
    return parser


def _stage_config(args):
    """For evaluate/render: the config saved by train, else the profile's."""
    from frameforecast import pipeline
    from frameforecast.config import experiments

    if args.run_dir:  # the saved config names the data: --csv/--data are not needed again
        exp, folder = experiments.get(args.experiment), Path(args.run_dir)
    else:
        own = getattr(args, "own_options", ())
        exp, _, folder = pipeline.resolve(args.experiment, args.profile, options.data_overrides(args, own), None)
    saved = experiments.saved_config(folder)
    if saved is None:
        raise UserError(
            f"{folder} has no trained model; run: frameforecast train {args.experiment} --profile {args.profile}"
        )
    return exp, saved, folder


def main(argv: list[str] | None = None) -> int:
    try:
        args, unknown = build_parser().parse_known_args(argv)
    except SystemExit as exc:  # usage errors (one line, status 2) and --help (status 0)
        return int(exc.code or 0)
    if unknown:
        where = " ".join(
            filter(
                None,
                ("frameforecast", args.command, getattr(args, "experiment", None) if args.command == "train" else None),
            )
        )
        print(
            f"{where}: error: {' '.join(unknown)}: not an option of this command (see {where} --help)", file=sys.stderr
        )
        return 2
    if args.verbose:
        from frameforecast import quiet

        quiet.uninstall()
    try:
        return COMMANDS[args.command](args) or 0
    except UserError as exc:
        return _refuse(str(exc))
    except OSError as exc:
        if exc.errno not in FILESYSTEM_ERRNOS:
            raise
        return _refuse(str(filesystem_error(exc, Path.cwd())))
    except MemoryError:
        return _refuse(
            f"{args.command} ran out of memory; use smaller settings (--units, --filters, --batch-size) or "
            "a smaller input, or run it on a machine with more memory"
        )
    except KeyboardInterrupt:
        print("frameforecast: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


MESSAGE_LIMIT = 600  # characters: an error is one readable line whatever the input held


def _refuse(message: str) -> int:
    """Print an error as one line, cut to MESSAGE_LIMIT characters; exit status 2."""
    line = " ".join(message.split())
    if len(line) > MESSAGE_LIMIT:
        line = line[: MESSAGE_LIMIT - 1] + "…"
    print(f"frameforecast: error: {line}", file=sys.stderr)
    return 2


def cmd_train(args) -> int:
    from frameforecast import pipeline

    exp, cfg, folder = pipeline.resolve(args.experiment, args.profile, options.training_overrides(args), args.run_dir)
    pipeline.train(exp, cfg, folder, restart=args.restart, strategy=args.strategy)
    print(
        f"next: frameforecast evaluate {args.experiment}"
        + (f" --run-dir {folder}" if args.run_dir or exp.user_template else "")
    )
    return 0


def cmd_evaluate(args) -> int:

    from frameforecast.config import experiments

    family = families.get(experiments.get(args.experiment).family)
    for option in ("test_set", "limit", "standard_file"):
        if getattr(args, option) is not None and option not in family.evaluate_options:
            raise UserError(
                f"--{option.replace('_', '-')} is for the video experiments; {args.experiment} has one test set"
            )
    exp, cfg, folder = _stage_config(args)
    kwargs = {keyword: getattr(args, option) for option, keyword in family.evaluate_options.items()}
    with runlock.writer(folder):
        family.stage_module().evaluate(cfg, folder, **kwargs)
    return 0


def cmd_render(args) -> int:

    exp, cfg, folder = _stage_config(args)
    with runlock.writer(folder):
        families.get(exp.family).stage_module().render(cfg, folder)
    return 0


def cmd_predict(args) -> int:
    from frameforecast import pipeline
    from frameforecast.config import experiments
    from frameforecast.config.classes import VideoConfig
    from frameforecast.stages import video_predict

    folder = Path(args.run_dir) if args.run_dir else pipeline.RUNS / args.experiment
    cfg = experiments.saved_config(folder)
    if cfg is None:
        raise UserError(f"{folder} has no trained model; train it first: frameforecast train {args.experiment}")
    if not isinstance(cfg, VideoConfig):
        raise UserError(f"{args.experiment} is not a video experiment; predict works on video models")
    with runlock.writer(folder):
        video_predict.predict(cfg, folder, args.video, start=args.start)
    print("next: frameforecast site   (the site's 'Your videos' section shows it)")
    return 0


def cmd_forecast(args) -> int:
    from frameforecast.config import experiments

    exp = experiments.get(args.experiment)
    if exp.family != "lookback":
        raise UserError(
            f"forecast works on the look-back experiments (milk-lookback, airline-lookback, lookback --csv); "
            f"{args.experiment} is a {exp.family} experiment"
        )
    exp, cfg, folder = _stage_config(args)
    with runlock.writer(folder):
        families.get(exp.family).stage_module().forecast(cfg, folder, args.horizon)
    print("next: frameforecast site   (the experiment's page shows the forecast and links the CSV)")
    return 0


def cmd_site(args) -> int:
    from frameforecast.report import site

    path = site.build(Path(args.runs), Path(args.out), reference=options.reference(build_parser()))
    print(f"site written to {path}/index.html")
    return 0


def cmd_run(args) -> int:
    from frameforecast import pipeline
    from frameforecast.config import experiments

    for name in args.experiments:
        experiments.get(name)
    if args.profile not in experiments.PROFILES:
        raise UserError(f"unknown profile {args.profile!r}; choose one of {', '.join(experiments.PROFILES)}")
    overrides, variant = options.run_overrides(args)
    if overrides or variant:  # refused before anything runs, as train would refuse it
        exp, cfg, _ = pipeline.resolve(args.experiments[0], args.profile, overrides, None, variant)
        if cfg.has_input():  # your data, read (and checked) before anything is written
            families.get(exp.family).load_data(cfg)
    from frameforecast.report import server, site

    live = server.LiveServer(Path("site"), args.bind, args.port) if args.serve else None
    try:
        summary = pipeline.run_suite(
            args.profile,
            args.experiments or None,
            restart=args.restart,
            strategy=args.strategy,
            reference=options.reference(build_parser()),
            on_site=live.start if live else None,
            overrides=overrides or None,
            variant=variant,
        )
        failed = [n for n, e in summary["experiments"].items() if e["status"] != "ok"]
        # the suite is complete: Ctrl+C now stops learning on (kept for the next run) and the server
        with contextlib.suppress(KeyboardInterrupt):
            print(
                f"\nsuite done in {summary['seconds'] / 60:.1f} min, peak memory {summary['peak_memory_mb']:.0f} MB; "
                f"site: site/index.html" + (f"; failed: {', '.join(failed)}" if failed else "")
            )
            if live and not summary["ctrl_c_at_the_end"] and not variant:
                reference = options.reference(build_parser())
                pipeline.learn_on(
                    args.profile,
                    args.experiments or list(experiments.SUITE),
                    lambda: site.build(pipeline.RUNS, Path("site"), reference=reference),
                    strategy=args.strategy,
                )
            if live and not summary["ctrl_c_at_the_end"]:
                live.wait()
        return 1 if failed else 0
    finally:
        if live:
            live.stop()


def cmd_improve(args) -> int:
    from frameforecast import pipeline
    from frameforecast.config import experiments
    from frameforecast.config.classes import VideoConfig
    from frameforecast.stages import video_improve

    folder = Path(args.run_dir) if args.run_dir else pipeline.resolve(args.experiment, args.profile)[2]
    cfg = experiments.saved_config(folder)
    if cfg is None:
        raise UserError(f"{folder} has no trained model; run first: frameforecast run {args.experiment}")
    if not isinstance(cfg, VideoConfig):
        raise UserError(f"{args.experiment} is not a video experiment; improve trains the video models further")
    rounds = args.round_minutes or video_improve.round_minutes(cfg.profile)
    print(
        f"learning on: {args.experiment} for {args.minutes:g} min in {min(rounds, args.minutes):g}-minute rounds "
        f"({folder}); Ctrl+C stops, the same command continues"
    )
    with runlock.writer(folder):
        points = video_improve.improve(cfg, folder, args.minutes, round_minutes=rounds, strategy=args.strategy)
    if points:
        print(f"next: frameforecast site   ({folder.name}'s page shows the learning curve)")
    return 0


def cmd_compare(args) -> int:
    from frameforecast.config import experiments
    from frameforecast.report import site, variants

    experiments.get(args.experiment)
    runs = variants.groups(site.collect_runs(Path(args.runs))).get(args.experiment)
    if not runs:
        raise UserError(
            f"{args.experiment} has no variants in {args.runs}/; make one with: frameforecast run "
            f"{args.experiment} --profile smoke --units 8 (any of its training options)"
        )
    print(variants.as_text(variants.table(args.experiment, runs)))
    return 0


def cmd_serve(args) -> int:
    from frameforecast.report import server

    server.serve(Path(args.directory), args.bind, args.port)
    return 0


def cmd_data(args) -> int:
    from frameforecast import data_commands

    return data_commands.run(args.action, args.name, Path(args.out))


COMMANDS = {
    "data": cmd_data,
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "render": cmd_render,
    "predict": cmd_predict,
    "forecast": cmd_forecast,
    "site": cmd_site,
    "run": cmd_run,
    "serve": cmd_serve,
    "compare": cmd_compare,
    "improve": cmd_improve,
}
