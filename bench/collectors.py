#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Garnet authors
# SPDX-License-Identifier: MIT
"""Cost of the bundled collectors: wall time, CPU and max RSS per run, and the agent's CPU per run.

1. Each collector runs --runs times (after one warm-up run that creates its rate state), spawned with
   posix_spawn, stdout to /dev/null; wall time is spawn → reaped, CPU comes from wait4's rusage.
   /bin/true is measured the same way as the floor of process creation on this machine. Max RSS is
   measured apart, under GNU time (/usr/bin/time -f %M, 20 runs): a child spawned by this Python process
   inherits its ~15 MB high-water mark through vfork/fork and exec, so wait4's ru_maxrss would show
   Python, not the collector.
2. The real agent runs all of them every --interval-ms in socket mode for --agent-seconds, and once more
   with them disabled; the agent's own CPU (utime+stime from /proc/PID/stat, children excluded) between
   two self-metric reports, minus the idle agent's, divided by the runs in between.

Usage: bench/collectors.py [--build DIR] [--runs N] [--agent-seconds S] [--interval-ms MS]
Prints Markdown tables (paste into bench/RESULTS.md with the command line).
"""
import argparse, os, re, signal, statistics, subprocess, sys, tempfile, time

COLLECTORS = ["cpu", "memory", "loadavg", "uptime", "diskio", "filesystem", "network", "processes"]
TICK = os.sysconf("SC_CLK_TCK")


def measure(path, args, env, runs):
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, devnull, 1)]
    walls, cpus = [], []
    for _ in range(runs + 1):
        start = time.perf_counter_ns()
        pid = os.posix_spawn(path, [path] + args, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = (time.perf_counter_ns() - start) / 1e6
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{path} failed with status {status}")
        walls.append(wall)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000)
    os.close(devnull)
    walls, cpus = walls[1:], cpus[1:]  # the first run is the warm-up (state file, page cache)
    walls.sort()
    return {
        "p50": statistics.median(walls),
        "p95": walls[int(len(walls) * 0.95) - 1],
        "max": walls[-1],
        "cpu": statistics.mean(cpus),
    }


def max_rss_kib(path, args, env, runs=20):
    """Max RSS over runs under GNU time (KiB), or None without /usr/bin/time."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    peak = 0
    for _ in range(runs):
        done = subprocess.run(["/usr/bin/time", "-f", "%M", path] + args, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=True)
        peak = max(peak, int(done.stderr.split()[-1]))
    return peak


def line_count(path, env):
    out = subprocess.run([path, "--stdout"], env=env, capture_output=True, check=True).stdout
    return out.count(b"\n")


def agent_cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def run_agent(agent, workdir, enabled, seconds, interval_ms):
    conf = os.path.join(workdir, "enabled" if enabled else "idle")
    os.makedirs(os.path.join(conf, "collectors.d"), exist_ok=True)
    with open(os.path.join(conf, "garnet.toml"), "w") as f:
        f.write('[agent]\ncollectors_dir = "collectors.d"\nsocket = "run/garnet.sock"\n'
                'hostname = "bench"\nprefix = "bench"\ninterval = "1s"\n')
    for name in COLLECTORS:
        with open(os.path.join(conf, "collectors.d", name + ".toml"), "w") as f:
            f.write(f'command = ["{name}"]\ninterval = "{interval_ms}ms"\nenabled = {str(enabled).lower()}\n')
    out_path = os.path.join(conf, "stdout")
    env = dict(os.environ, GARNET_STATE_DIR=os.path.join(conf, "state"),
               DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent")
    with open(out_path, "wb") as out:
        proc = subprocess.Popen([agent, "--config", os.path.join(conf, "garnet.toml")], stdout=out,
                                stderr=subprocess.DEVNULL, env=env)

    def next_report(after_runs):
        """Waits for a self-metrics report newer than after_runs; returns (runs, agent CPU ticks)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(out_path, "rb") as f:
                runs = [int(float(m)) for m in re.findall(rb"^bench\.garnet\.runs (\S+)", f.read(), re.M)]
            if runs and (after_runs is None or len(runs) > after_runs[0]):
                return (len(runs), runs[-1]), agent_cpu_ticks(proc.pid)
            time.sleep(0.005)
        sys.exit("the agent printed no self-metrics")

    time.sleep(2)  # start-up, first runs
    (reports, runs0), ticks0 = next_report(None)
    time.sleep(seconds)
    (_, runs1), ticks1 = next_report((reports,))
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    return runs1 - runs0, (ticks1 - ticks0) / TICK


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(root, "build"))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--agent-seconds", type=float, default=20)
    parser.add_argument("--interval-ms", type=int, default=100)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="garnet-bench-") as workdir:
        env = dict(os.environ, GARNET_STATE_DIR=os.path.join(workdir, "state"))
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        print(f"Machine: {model}, {os.cpu_count()} CPUs, Linux {os.uname().release}; "
              f"load average at start {os.getloadavg()[0]:.2f}\n")
        print(f"### Per run, {args.runs} runs each (after one warm-up run)\n")
        print("| collector | lines | wall p50 | wall p95 | wall max | CPU mean | max RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        rows = [("/bin/true (spawn floor)", "/bin/true", [], "-")]
        for name in COLLECTORS:
            path = os.path.join(args.build, "collectors", name)
            env["GARNET_COLLECTOR"] = name
            rows.append((name, path, ["--stdout"], None))
        for label, path, cargs, lines in rows:
            if lines is None:
                env["GARNET_COLLECTOR"] = label
                line_count(path, env)  # creates the rate state: count a steady-state run
                time.sleep(0.05)  # let a few clock ticks pass, or cpu reports no per-CPU line
                lines = line_count(path, env)
            r = measure(path, cargs, env, args.runs)
            rss = max_rss_kib(path, cargs, env)
            rss_text = f"{rss / 1024:.2f} MiB" if rss is not None else "n/a (no /usr/bin/time)"
            print(f"| {label} | {lines} | {r['p50']:.2f} ms | {r['p95']:.2f} ms | {r['max']:.2f} ms "
                  f"| {r['cpu']:.2f} ms | {rss_text} |")

        agent = os.path.join(args.build, "bin", "garnet-agent")
        runs, busy = run_agent(agent, workdir, True, args.agent_seconds, args.interval_ms)
        idle_runs, idle = run_agent(agent, workdir, False, args.agent_seconds, args.interval_ms)
        per_run = (busy - idle) / runs * 1000 if runs else float("nan")
        print(f"\n### Agent CPU per run ({len(COLLECTORS)} collectors every {args.interval_ms} ms, socket mode, "
              f"{args.agent_seconds:.0f} s)\n")
        print("| agent | runs | agent CPU | per run |")
        print("|---|---:|---:|---:|")
        print(f"| collectors enabled | {runs} | {busy:.2f} s | {busy / runs * 1000:.3f} ms |")
        print(f"| collectors disabled (idle baseline) | {idle_runs} | {idle:.2f} s | - |")
        print(f"| difference | | {busy - idle:.2f} s | **{per_run:.3f} ms** |")
        print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
