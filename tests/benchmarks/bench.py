#!/usr/bin/env python3
"""Measurement and reporting half of tests/benchmarks/run (the bash half starts and stops the processes).

  bench.py configs  OUT_DIR NOW EXCLUDED PG_DSN_PREFIX       writes the peers' configuration files
  bench.py measure  KEY=VALUE...                            measures one running exporter, appends a JSON line
  bench.py report   RESULTS.jsonl                           prints the tables and the targets
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOWS = ("1d", "7d", "30d")


# ---------------------------------------------------------------------------------------------------------- configs
def peer_queries(now, excluded):
    text = open(os.path.join(HERE, "peers.sql.template"), encoding="utf-8").read()
    text = text.replace("@NOW@", now).replace("@EXCLUDED@", excluded)
    queries, name = {}, None
    for line in text.splitlines():
        m = re.match(r"-- name: (\w+)", line)
        if m:
            name = m.group(1)
            queries[name] = []
        elif name and not line.startswith("--"):
            queries[name].append(line)
    return {k: "\n".join(v).strip() for k, v in queries.items()}


def configs(out_dir, now, excluded, sql_interval, cache_seconds):
    queries = peer_queries(now, excluded)
    # YAML is a superset of JSON: both peers read these files with their YAML parsers.
    for cache in ("0", cache_seconds):
        pg = {f"saas_{k}": {"query": q, "cache_seconds": int(cache), "metrics": [
            {"users": {"usage": "GAUGE", "description": f"{k.upper()}: distinct users with a qualifying event"}}]}
            for k, q in queries.items()}
        with open(os.path.join(out_dir, f"postgres_exporter_cache{cache}.yml"), "w", encoding="utf-8") as f:
            json.dump(pg, f, indent=1)
    sql = {"jobs": [{"name": "saas", "interval": sql_interval, "connections": ["@DSN@"], "queries": [
        {"name": k, "help": f"{k.upper()}: distinct users with a qualifying event", "values": ["users"], "query": q}
        for k, q in queries.items()]}]}
    with open(os.path.join(out_dir, "sql_exporter.yml.template"), "w", encoding="utf-8") as f:
        json.dump(sql, f, indent=1)


# ---------------------------------------------------------------------------------------------------------- measure
def get(url, timeout=120):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read().decode("utf-8", "replace")
            return r.status, body, time.perf_counter() - started
    except urllib.error.HTTPError as e:
        return e.code, "", time.perf_counter() - started
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, "", time.perf_counter() - started


def samples(body):
    """Exposition text to [(name, {label: value}, float)]."""
    out = []
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)', line)
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        try:
            out.append((m.group(1), labels, float(m.group(4))))
        except ValueError:
            pass
    return out


def pick(series, name, **labels):
    for n, l, v in series:
        if n == name and all(l.get(k) == val for k, val in labels.items()):
            return v
    return None


def active_users(kind, body):
    series = samples(body)
    if kind == "ours":
        return [pick(series, "saas_active_users", entity="user", window=w) for w in WINDOWS]
    if kind.startswith("postgres_exporter"):
        return [pick(series, f"saas_{q}_users") for q in ("dau", "wau", "mau")]
    return [pick(series, f"sql_{q}") for q in ("dau", "wau", "mau")]


def db_stats(psql, role):
    """Calls and milliseconds (planning + execution) PostgreSQL spent on the role's statements so far."""
    sql = ("SELECT coalesce(sum(s.calls), 0), coalesce(sum(s.total_exec_time + s.total_plan_time), 0) "
           "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = '" + role + "'")
    out = subprocess.run(psql + ["-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()
    calls, ms = out.split("|")
    return int(calls), float(ms)


def quantile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))]


def wrk_seconds(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def parse_wrk(out):
    dist = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    total = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "p50_ms": wrk_seconds(dist["50"]) * 1e3 if "50" in dist else None,
        "p99_ms": wrk_seconds(dist["99"]) * 1e3 if "99" in dist else None,
        "requests": int(total.group(1)) if total else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def self_polls(body):
    """Our exporter's own view of its polls: per collector mean duration, count and interval."""
    series = samples(body)
    out = {}
    for n, l, v in series:
        c = l.get("collector")
        if c is None:
            continue
        entry = out.setdefault(c, {})
        if n == "saas_exporter_collector_duration_seconds_sum":
            entry["sum"] = v
        elif n == "saas_exporter_collector_duration_seconds_count":
            entry["count"] = v
        elif n == "saas_exporter_collector_interval_seconds":
            entry["interval"] = v
        elif n == "saas_exporter_collector_runs_total":
            entry.setdefault("runs", {})[l.get("result")] = v
    return out


def runs_total(body):
    return sum(v for n, _, v in samples(body) if n == "saas_exporter_collector_runs_total")


def rss_mb(pid):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(args):
    a = dict(arg.split("=", 1) for arg in args)
    url, kind, role = a["url"], a["kind"], a["role"]
    psql = a["psql"].split()
    duration, interval = float(a["duration"]), float(a["interval"])
    started = float(a["started"])
    result = {"name": a["name"], "kind": kind, "scale": a["scale"], "role": role}

    def log(msg):
        print(f"bench: [{a['scale']}] {a['name']}: {msg}", file=sys.stderr, flush=True)

    # 1. Time to the first complete exposition: ours is complete when /readyz says every collector polled once; a
    #    peer when its three numbers are there.
    deadline = started + float(a["ready_timeout"])
    while True:
        if kind == "ours":
            status, _, _ = get(url + "/readyz", 5)
            ready = status == 200
        else:
            status, body, _ = get(url + "/metrics", 120)
            ready = status == 200 and None not in active_users(kind, body)
        if ready:
            break
        if time.time() > deadline:
            result["error"] = "no complete exposition within ready_timeout"
            print(json.dumps(result), file=open(a["out"], "a", encoding="utf-8"))
            log(result["error"])
            return
        if not os.path.exists(f"/proc/{a['pid']}"):
            result["error"] = "exited before its first complete exposition"
            print(json.dumps(result), file=open(a["out"], "a", encoding="utf-8"))
            log(result["error"])
            return
        time.sleep(0.1)
    result["first_complete_s"] = time.time() - started
    first_round = db_stats(psql, role)
    result["startup_db_ms"] = first_round[1]
    result["startup_queries"] = first_round[0]
    log(f"complete after {result['first_complete_s']:.1f} s; scraping every {interval:g} s for {duration:g} s")

    # 2. Steady operation: a Prometheus-like scrape every `interval` seconds for `duration` seconds.
    s0 = db_stats(psql, role)
    t0 = time.time()
    window_latencies = []
    n = 0
    while time.time() - t0 < duration:
        due = t0 + n * interval
        time.sleep(max(0.0, due - time.time()))
        if due - t0 >= duration:
            break
        _, _, latency = get(url + "/metrics")
        window_latencies.append(latency * 1e3)
        n += 1
    time.sleep(max(0.0, t0 + duration - time.time()))
    s1 = db_stats(psql, role)
    minutes = (time.time() - t0) / 60
    result["window_s"] = minutes * 60
    result["window_scrapes"] = n
    result["window_scrape_ms_max"] = max(window_latencies) if window_latencies else None
    result["db_ms_per_min"] = (s1[1] - s0[1]) / minutes
    result["queries_per_min"] = (s1[0] - s0[0]) / minutes

    # 3. Sequential scrapes on one keep-alive connection (one curl process), then the bounded wrk burst.
    _, body, _ = get(url + "/metrics")
    runs_before = runs_total(body) if kind == "ours" else 0
    s2 = db_stats(psql, role)
    # Batches of 10 keep-alive requests per curl process (one -o per URL: curl applies each -o to one URL only),
    # until `sequential` requests or 30 s: an exporter that queries on every scrape may take seconds per request.
    seq_n, seq, lines = int(a["sequential"]), [], []
    seq_deadline = time.time() + 30
    while len(seq) < seq_n and (not seq or time.time() < seq_deadline):
        batch = min(10, seq_n - len(seq))
        curl = ["curl", "-s", "-w", "%{time_total} %{size_download}\\n"] + ["-o", "/dev/null", url + "/metrics"] * batch
        lines = subprocess.run(curl, check=True, capture_output=True, text=True).stdout.split()
        seq += [float(x) * 1e3 for x in lines[0::2]]
    result["sequential"] = len(seq)
    result["bytes"] = int(lines[-1])
    result["seq_p50_ms"], result["seq_p99_ms"] = quantile(seq, 0.5), quantile(seq, 0.99)
    wrk_cmd = ["wrk", "-t1", "-c4", "-d" + a["wrk_duration"], "--timeout", "60s", "--latency", url + "/metrics"]
    result["wrk"] = parse_wrk(subprocess.run(wrk_cmd, check=True, capture_output=True, text=True).stdout)
    s3 = db_stats(psql, role)
    requests = len(seq) + result["wrk"]["requests"]
    result["burst_requests"] = requests
    result["burst_queries"] = s3[0] - s2[0]
    result["queries_per_scrape"] = (s3[0] - s2[0]) / requests if requests else None
    result["db_ms_per_scrape"] = (s3[1] - s2[1]) / requests if requests else None
    result["rss_mb"] = rss_mb(int(a["pid"]))

    _, body, _ = get(url + "/metrics")
    result["active_users"] = active_users(kind, body)
    if kind == "ours":
        result["burst_polls"] = runs_total(body) - runs_before
        result["polls"] = self_polls(body)
        steady = 0.0
        for c in result["polls"].values():
            if c.get("count") and c.get("interval"):
                steady += c["sum"] / c["count"] / c["interval"] * 60 * 1e3
        result["steady_poll_ms_per_min"] = steady
    print(json.dumps(result), file=open(a["out"], "a", encoding="utf-8"))
    log("done")


# ----------------------------------------------------------------------------------------------------------- report
def fmt(v, spec=".1f"):
    if v is None:
        return "-"
    if isinstance(v, float) and v != v:
        return "-"
    return format(v, spec)


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print("| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |")


def steady_db_per_min(r):
    """Ours: every collector at its interval, sum of mean poll duration / interval, scaled by the share of the first
    round's poll time that PostgreSQL itself spent (pg_stat_statements over that round / the round's poll durations)."""
    polls = [p for p in r.get("polls", {}).values() if p.get("count") and p.get("interval")]
    if not polls:
        return None
    round_s = sum(p["sum"] / p["count"] for p in polls)
    share = min(1.0, r["startup_db_ms"] / 1e3 / round_s) if round_s else 1.0
    return r["steady_poll_ms_per_min"] * share


def db_per_min(r):
    """Database time per minute of steady operation: for ours the larger of the window and the steady estimate, since
    a window of a few minutes misses the collectors that poll every 5-15 minutes."""
    return max(r.get("db_ms_per_min") or 0.0, steady_db_per_min(r) or 0.0)


def report(path):
    results = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    ok = True
    for scale in dict.fromkeys(r["scale"] for r in results):
        rows = [r for r in results if r["scale"] == scale]
        print(f"\n### Scale {scale}\n")
        table(["exporter", "first complete s", "seq p50/p99 ms", "wrk p50/p99 ms", "wrk req/s", "bytes",
               "db ms/min", "db ms/scrape", "queries/scrape", "RSS MB", "DAU / WAU / MAU"],
              [[r["name"]] + (["failed: " + r["error"]] + [""] * 9 if "error" in r else [
                  fmt(r["first_complete_s"]),
                  f"{fmt(r['seq_p50_ms'], '.2f')} / {fmt(r['seq_p99_ms'], '.2f')}",
                  f"{fmt(r['wrk']['p50_ms'], '.2f')} / {fmt(r['wrk']['p99_ms'], '.2f')}" if r["wrk"]["requests"] else "none completed",
                  fmt(r["wrk"]["rps"], ".0f") + (f" ({r['wrk']['non2xx']} non-2xx)" if r["wrk"]["non2xx"] else ""),
                  str(r["bytes"]),
                  fmt(db_per_min(r), ".0f") + (f" (window {fmt(r['db_ms_per_min'], '.0f')})" if r["kind"] == "ours" else ""),
                  fmt(r["db_ms_per_scrape"], ".3f"),
                  fmt(r["queries_per_scrape"], ".4f") + (f" ({r['burst_polls']:.0f} polls ran)" if r.get("burst_polls") else ""),
                  fmt(r["rss_mb"], ".0f"),
                  " / ".join(fmt(v, ".0f") for v in r["active_users"])]) for r in rows])

        good = [r for r in rows if "error" not in r]
        values = {tuple(r["active_users"]) for r in good}
        agree = len(values) == 1 and None not in next(iter(values), (None,))
        print(f"\nDAU/WAU/MAU agree across exporters: {'yes' if agree else 'NO'} "
              f"({'; '.join(r['name'] + ' ' + '/'.join(fmt(v, '.0f') for v in r['active_users']) for r in good)})")
        ok &= agree

        for r in (r for r in good if r["kind"] == "ours"):
            print(f"\nPoll durations of {r['name']} (mean over the run; interval; share of one database core):\n")
            table(["collector", "polls", "mean s", "interval s", "load %"],
                  [[c, fmt(p.get("count"), ".0f"), fmt(p["sum"] / p["count"], ".2f") if p.get("count") else "-",
                    fmt(p.get("interval"), ".0f"),
                    fmt(100 * p["sum"] / p["count"] / p["interval"], ".2f") if p.get("count") and p.get("interval") else "-"]
                   for c, p in sorted(r["polls"].items())])

        print("\nTargets:\n")
        peers = [r for r in good if r["kind"] != "ours"]
        nocache = next((r for r in peers if r["kind"] == "postgres_exporter"), None)
        target_rows = []
        for r in (r for r in good if r["kind"] == "ours"):
            p99 = r["wrk"]["p99_ms"]
            peer_best = min((p["wrk"]["p99_ms"] for p in peers if p["wrk"]["p99_ms"] is not None), default=None)
            checks = [
                ("scrape p99 under 5 ms (wrk -c4)", f"{fmt(p99, '.2f')} ms", p99 is not None and p99 < 5),
                ("p99 not worse than any peer's", f"{fmt(p99, '.2f')} vs best peer {fmt(peer_best, '.2f')} ms",
                 peer_best is None or p99 <= peer_best),
                ("zero queries per scrape", f"{r['burst_queries']} queries in {r['burst_requests']} scrapes, "
                 f"{r.get('burst_polls', 0):.0f} polls ran meanwhile", r["burst_queries"] == 0 or "unproven: polls ran"),
            ]
            if nocache:
                ratio = db_per_min(nocache) / db_per_min(r) if db_per_min(r) else float("inf")
                checks.append(("db time/min at least 5x lower than postgres_exporter (no cache)",
                               f"{fmt(db_per_min(r), '.0f')} vs {fmt(db_per_min(nocache), '.0f')} ms/min = {fmt(ratio, '.1f')}x",
                               ratio >= 5))
            checks.append(("resident memory under 150 MB", f"{fmt(r['rss_mb'], '.0f')} MB", r["rss_mb"] < 150))
            for what, measured, met in checks:
                target_rows.append([r["name"], what, measured, met if isinstance(met, str) else "met" if met else "MISSED"])
        table(["exporter", "target", "measured", ""], target_rows)
    return 0 if ok else 1


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "configs":
        configs(*rest)
        return 0
    if command == "measure":
        measure(rest)
        return 0
    if command == "report":
        return report(rest[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
