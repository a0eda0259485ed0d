#!/usr/bin/env python3
"""Throughput and latency of medner-serve on loopback, beside medner-tag on the same text.

Starts medner-serve on an ephemeral port with MODEL, then for each client count sends REQUESTS
requests of one fixed text (each client on its own keep-alive connection) and prints texts/s
and p50/p99 latency; then tags the same text REQUESTS times with medner-tag (one process, the
same tagging threads as the server's workers) for texts/s, the model's load left out. Bounded: loopback only, a fixed
number of requests, a 120 s limit per run.

usage: serve_bench.py BIN_DIR MODEL [--requests N] [--clients 1,4] [--threads T] [--text TEXT]
"""
import argparse, http.client, json, os, re, signal, subprocess, sys, tempfile, threading, time

TEXT = ("Germline mutations in BRCA1 are responsible for most cases of inherited breast and "
        "ovarian cancer, and ataxia-telangiectasia patients show an increased risk of leukemia.")


def start_server(bin_dir, model, threads, log):
    p = subprocess.Popen([os.path.join(bin_dir, "medner-serve"), "--model", f"bench={model}", "--port", "0",
                          "--threads", str(threads)], stderr=log)
    for _ in range(600):
        with open(log.name) as f:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            sys.exit("medner-serve exited: " + open(log.name).read())
        time.sleep(0.1)
    p.kill()
    sys.exit("medner-serve did not start")


def run_clients(port, clients, requests, text):
    body = json.dumps({"text": text}).encode()
    latencies, lock = [], threading.Lock()
    per_client = [requests // clients + (1 if k < requests % clients else 0) for k in range(clients)]

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        for _ in range(n):
            t0 = time.perf_counter()
            conn.request("POST", "/tag", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"status {r.status}")
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in per_client]
    t0 = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    return len(latencies) / wall, pick(0.5), pick(0.99)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("model")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", default="1,4")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--text", default=TEXT)
    a = ap.parse_args()
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        p, port = start_server(a.bin_dir, a.model, a.threads, log)
        try:
            run_clients(port, 1, 50, a.text)  # warm-up: tapes, workspaces, page faults
            for c in [int(x) for x in a.clients.split(",")]:
                rate, p50, p99 = run_clients(port, c, a.requests, a.text)
                print(f"medner-serve  clients={c:<3} texts/s={rate:8.1f}  p50={p50:6.2f} ms  p99={p99:6.2f} ms")
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
    # medner-tag on REQUESTS and on 2 x REQUESTS lines: the difference leaves out loading the model.
    walls = []
    for n in (a.requests, 2 * a.requests):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write((a.text + "\n") * n)
            f.flush()
            t0 = time.perf_counter()
            subprocess.run([os.path.join(a.bin_dir, "medner-tag"), "--model", a.model, "--input", f.name,
                            "--threads", str(a.threads)], stdout=subprocess.DEVNULL, check=True)
            walls.append(time.perf_counter() - t0)
    print(f"medner-tag    threads={a.threads:<3} texts/s={a.requests / max(1e-9, walls[1] - walls[0]):8.1f}  "
          f"(chunks of 2,000 lines; model load left out)")

if __name__ == "__main__":
    main()
