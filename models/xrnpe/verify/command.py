# SPDX-License-Identifier: Apache-2.0
"""``xrnpe verify exhaustive``: checks the arguments, runs the stages and writes the report.

Exit status: 0 no mismatch, 1 mismatches, 2 bad input (one line on stderr, nothing
written), 3 the run could not complete, 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

from ..progress import Progress, duration, rate
from .errors import VerifyInputError, VerifyRunError
from .report import time_breakdown


def exhaustive_command(args) -> int:
    """``xrnpe verify exhaustive`` (arguments parsed by xrnpe.cli); returns the exit status."""
    # the stages through the package's public names, so that a caller may substitute one
    # (the tests plant a buggy harness through verify.make_plan)
    from .. import verify as stages

    out = args.output
    try:
        if args.workers is not None and args.workers < 1:
            raise VerifyInputError(f"--workers {args.workers}: must be at least 1")
        if out != "-":
            d = os.path.dirname(os.path.abspath(out))
            if not os.path.isdir(d):
                raise VerifyInputError(f"{out}: output directory {d} does not exist")
            if os.path.exists(out) and not os.path.isfile(out):
                raise VerifyInputError(f"{out}: exists and is not a regular file")
            if not os.access(d, os.W_OK):
                raise VerifyInputError(f"{out}: output directory {d} is not writable")
        if args.state and os.path.exists(args.state) and not os.path.isdir(args.state):
            raise VerifyInputError(f"--state {args.state}: exists and is not a directory")
        start, stop = stages.parse_range(args.range, args.format)
        if args.shard_size is not None and args.shard_size < 1:
            raise VerifyInputError(f"--shard-size {args.shard_size}: must be at least 1")
        stages.check_design(args.design)
        label = f"{args.design} {args.format}->{args.out_format}"
        progress = Progress(label, stop - start)
        client = cluster = None
        try:
            client, cluster = stages.connect(
                args.workers, args.scheduler
            )  # fail fast, before the build
            plan = stages.make_plan(
                args.design,
                args.format,
                args.out_format,
                start,
                stop,
                args.shard_size,
                progress=progress,
            )
            report, summary = stages.run(
                plan, state_dir=args.state, client=client, progress=progress, log=progress.message
            )
        finally:
            progress.close()
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()
    except VerifyInputError as e:
        print(f"xrnpe: error: {e}", file=sys.stderr)
        return 2
    except VerifyRunError as e:
        print(f"xrnpe: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(
            "xrnpe: interrupted (finished shards are recorded under --state, if given)",
            file=sys.stderr,
        )
        return 130
    text = json.dumps(report, indent=1) + "\n"
    if out == "-":
        sys.stdout.write(text)
    else:
        fd, tmp = tempfile.mkstemp(
            prefix=".xrnpe-", suffix=".json.tmp", dir=os.path.dirname(os.path.abspath(out))
        )
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, out)
    print(
        f"xrnpe: {label}: {report['pairs']:,} pairs, {report['mismatches']} mismatches, "
        f"{duration(report['seconds'])}, {rate(report['pairs_per_s'])}",
        file=sys.stderr,
    )
    print(f"xrnpe: {time_breakdown(summary)}", file=sys.stderr)
    for m in report["first_mismatches"][:5]:
        print(
            f"xrnpe: mismatch a=0x{m['a']:x} b=0x{m['b']:x} expected=0x{m['expected']:x} "
            f"got=0x{m['got']:x}",
            file=sys.stderr,
        )
    return 1 if report["mismatches"] else 0


__all__ = ["exhaustive_command"]
