#!/usr/bin/env python3
"""Throughput and latency of medner-serve on loopback, beside medner-tag on the same texts.

Starts medner-serve on an ephemeral port with MODEL, then for each kind of request (one sentence;
one abstract of 10 sentences) and each client count sends REQUESTS requests of that text (each
client on its own keep-alive connection; the C++ client serve_load when built, since 64 Python
threads are bound by the interpreter lock first) and prints requests/s, tokens/s and p50/p99;
then tags the same text REQUESTS times with medner-tag (one process, --threads equal to the
server's --tag-threads) for tokens/s, the model's load left out. Bounded: loopback only, a fixed
number of requests, a 120 s limit per run.

usage: serve_bench.py BIN_DIR MODEL [--requests N] [--clients 1,8,64] [--tag-threads T]
"""
import argparse, http.client, json, os, re, signal, subprocess, sys, tempfile, threading, time

TEXT = ("Germline mutations in BRCA1 are responsible for most cases of inherited breast and "
        "ovarian cancer, and ataxia-telangiectasia patients show an increased risk of leukemia.")
# One abstract's worth: ten sentences (about 270 tokens) of the same kind of text.
ABSTRACT = " ".join([
    "Hereditary nonpolyposis colorectal cancer is an autosomal dominant disease caused by germline mutations in "
    "mismatch repair genes.",
    "We studied 48 families with a history of colorectal and endometrial cancer.",
    "Mutations in MLH1 or MSH2 were found in 21 families, and 7 carried large genomic deletions.",
    "Carriers developed colorectal cancer at a mean age of 44 years, and endometrial cancer was the most common "
    "extracolonic tumour in women.",
    "Two families showed ovarian cancer and one a glioblastoma.",
    "Microsatellite instability was present in 19 of 20 tumours from mutation carriers.",
    "Loss of MLH1 protein expression was associated with promoter hypermethylation in sporadic cases.",
    "Patients with Lynch syndrome should undergo colonoscopy every one to two years from the age of 25.",
    "Screening for endometrial carcinoma remains of unproven benefit.",
    "These findings support genetic testing of families that meet the Amsterdam criteria for hereditary "
    "colorectal cancer.",
])


def start_server(bin_dir, model, tag_threads, log):
    p = subprocess.Popen([os.path.join(bin_dir, "medner-serve"), "--model", f"bench={model}", "--port", "0",
                          "--threads", "128", "--tag-threads", str(tag_threads)], stderr=log)
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


def run_load(load, port, clients, requests, text):
    """The C++ load client (experiments/bench/serve_load.cpp): requests/s, p50 and p99 in ms."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump({"text": text}, f)
        f.flush()
        out = subprocess.run([load, str(port), str(clients), str(requests), f.name], capture_output=True, text=True,
                             timeout=120)
    if out.returncode != 0:
        sys.exit("serve_load failed: " + out.stdout + out.stderr)
    r = json.loads(out.stdout)
    return r["requests_per_s"], r["p50_ms"], r["p99_ms"]


def tokens_of(text):
    # The tokenizer splits punctuation off words: count as it does, closely enough for a rate.
    return len(re.findall(r"\w+|[^\w\s]", text))


def medner_tag_rate(bin_dir, model, threads, text, requests):
    """medner-tag's texts/s on REQUESTS and 2 x REQUESTS lines: the difference leaves out the load."""
    walls = []
    for n in (requests, 2 * requests):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write((text + "\n") * n)
            f.flush()
            t0 = time.perf_counter()
            subprocess.run([os.path.join(bin_dir, "medner-tag"), "--model", model, "--input", f.name,
                            "--threads", str(threads)], stdout=subprocess.DEVNULL, check=True)
            walls.append(time.perf_counter() - t0)
    return requests / max(1e-9, walls[1] - walls[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("model")
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--load", help="the load client (default: BIN_DIR/../experiments/serve_load; else Python threads)")
    ap.add_argument("--clients", default="1,8,64")
    ap.add_argument("--tag-threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    kinds = [("sentence", TEXT, a.requests), ("abstract", ABSTRACT, max(1, a.requests // 5))]
    load = a.load or os.path.join(a.bin_dir, "..", "experiments", "serve_load")
    client = (lambda port, c, n, text: run_load(load, port, c, n, text)) if os.path.exists(load) else run_clients
    print(f"client: {load if os.path.exists(load) else 'Python threads (http.client)'}")
    print(f"| request | clients | requests/s | tokens/s | p50 ms | p99 ms | vs medner-tag |")
    print(f"| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        p, port = start_server(a.bin_dir, a.model, a.tag_threads, log)
        try:
            results = []
            for name, text, requests in kinds:
                run_clients(port, 1, 20, text)  # warm-up: tapes, workspaces, page faults
                for c in [int(x) for x in a.clients.split(",")]:
                    results.append((name, text, c) + client(port, c, max(requests, c), text))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
    tag_rates = {name: medner_tag_rate(a.bin_dir, a.model, a.tag_threads, text, requests)
                 for name, text, requests in kinds}
    for name, text, c, rate, p50, p99 in results:
        n = tokens_of(text)
        print(f"| {name} ({n} tokens) | {c} | {rate:.1f} | {rate * n:.0f} | {p50:.2f} | {p99:.2f} | "
              f"{100 * rate / tag_rates[name]:.0f}% |")
    for name, text, requests in kinds:
        n = tokens_of(text)
        print(f"| medner-tag --threads {a.tag_threads}, {name} lines | | {tag_rates[name]:.1f} texts/s | "
              f"{tag_rates[name] * n:.0f} | | | 100% |")


if __name__ == "__main__":
    main()
