#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Runs every benchmark of bench/ (B1-B9 of issue 6), prints a summary table and appends it to RESULTS.md.

Usage: bench/suite.py --build DIR [--quick] [--only B1,B7,...] [--no-relay] [--no-collectd] [--no-append]
                      [--results FILE] [--command TEXT]

scripts/bench builds DIR (Release) and calls this under a private D-Bus session bus (B8 needs one; the
other agents then run on it as deployed). Each program prints Markdown for people and "@result" lines
(tab-separated: id, what, figure, target, met, load average) that make the summary. The detailed Markdown
of every program goes to RESULTS.md too, under the summary.
"""
import argparse, datetime, os, platform, shutil, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def benchmarks(args):
    """(name, ids, argv) in the order they run; paths relative to the build directory."""
    agent = ["--agent", os.path.join(args.build, "bin", "garnet-agent")]
    collector = ["--collector", os.path.join(args.build, "bench", "bench_collector")]
    b = lambda name: os.path.join(args.build, "bench", name)
    quick = args.quick
    ingest = [b("bench_ingest")] + agent + (["--lines", "500000", "--single-lines", "100000"] if quick else [])
    if not args.no_relay and shutil.which("carbon-c-relay"):
        ingest.append("--relay")
    spawn = [b("bench_spawn")] + agent + collector + (["--seconds", "5", "--idle-seconds", "15"] if quick else [])
    jitter = [b("bench_jitter")] + agent + collector + (["--seconds", "15"] if quick else [])
    # The libc-free stamping program (x86-64 only); without it bench_jitter uses bench_collector's stamp.
    stamp = ["--stamp", b("bench_stamp")] if os.path.exists(b("bench_stamp")) else []
    if args.no_collectd:
        spawn.append("--no-collectd")
    return [
        ("ingest", {"B1", "B1r", "B2"}, ingest),
        ("burst", {"B3"}, [b("bench_burst")] + agent + (["--bursts", "3"] if quick else [])),
        ("spawn", {"B4", "B6"}, spawn),
        ("jitter", {"B5"}, jitter + stamp),
        ("jitter-libc", {"B5"}, jitter),
        ("jitter-floor", {"B5"}, jitter + ["--bare"] + stamp),
        ("parser", {"B7"}, [b("bench_parser")] + (["--seconds", "0.5"] if quick else [])),
        ("dbus", {"B8"}, [b("bench_dbus")] + agent + collector + (["--seconds", "3"] if quick else [])),
        ("scale", {"B9"}, [b("bench_scale")] + agent + collector + (["--reloads", "2"] if quick else [])),
    ]


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) / 1024 / 1024
    return f"{model}, {os.cpu_count()} CPUs (nproc), {memory:.1f} GiB RAM, Linux {platform.release()}"


def revision():
    try:
        return subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run(name, argv):
    """Runs one program, echoing its output; returns (markdown, results)."""
    print(f"\n## {name}: {' '.join(argv)}\n", flush=True)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    markdown, results = [], []
    for line in process.stdout:
        if line.startswith("@result\t"):
            fields = line.rstrip("\n").split("\t")[1:]
            if len(fields) == 6:
                results.append(fields)
            continue
        if "dbus-daemon" in line and "fd limit" in line:
            continue  # dbus-run-session's complaint about RLIMIT_NOFILE, not ours
        markdown.append(line)
        sys.stdout.write(line)
        sys.stdout.flush()
    status = process.wait()
    if status != 0:
        note = f"**{name} failed with exit status {status}**\n"
        markdown.append(note)
        results.append(["-", f"{name} (failed)", f"exit status {status}", "-", "no", f"{os.getloadavg()[0]:.2f}"])
        print(note)
    return "".join(markdown), results


def summary(results):
    lines = ["| id | what | result | target | met | load avg |", "|---|---|---|---|:---:|---:|"]
    for id_, what, figure, target, met, load in results:
        lines.append(f"| {id_} | {what} | {figure} | {target} | {'yes' if met == 'yes' else '**no**'} | {load} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True, help="Release build directory with the bench programs")
    parser.add_argument("--quick", action="store_true", help="shorter runs (about a minute in all)")
    parser.add_argument("--only", default="", help="comma-separated ids, e.g. B1,B7")
    parser.add_argument("--no-relay", action="store_true", help="skip the carbon-c-relay comparison (B1r)")
    parser.add_argument("--no-collectd", action="store_true", help="skip the collectd comparison (B4, B6)")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    parser.add_argument("--command", default=" ".join(sys.argv), help="the command line to record")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    only = {i.strip() for i in args.only.split(",") if i.strip()}

    started = datetime.datetime.now(datetime.timezone.utc)
    load = os.getloadavg()
    header = (f"Machine: {machine()}. Load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
              f"(1, 5, 15 min). Tree: {revision()}. Bus: "
              f"{'a private session bus' if os.environ.get('DBUS_SESSION_BUS_ADDRESS') else 'none'}.\n")
    print(header)
    details, results = [], []
    for name, ids, argv in benchmarks(args):
        if only and not (ids & only):
            continue
        markdown, found = run(name, argv)
        details.append(markdown)
        results.extend(found)
    table = summary(results)
    minutes = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60
    print("\n## Summary\n\n" + table)

    if args.no_append:
        return
    section = (f"\n## Suite run {started:%Y-%m-%d %H:%M} UTC\n\n"
               f"Command: `{args.command}` ({minutes:.1f} min)\n\n{header}\n{table}\n"
               f"<details><summary>Every benchmark's output</summary>\n\n"
               + "\n".join(d.replace("### ", "#### ") for d in details) + "\n</details>\n")
    with open(args.results, "a") as f:
        f.write(section)
    print(f"appended to {args.results}")


if __name__ == "__main__":
    main()
