"""Benchmark of the report form in Chromium (issue 4 item 6). Run with
`python -m tests.bench.bench_form`. It prints figures and always exits 0; the targets are
reported as met or not, never asserted. One `peluit serve` (demo configuration, fresh data
dir) runs in this process on 127.0.0.1, port 0; Debian's Chromium is driven by Playwright.

1. Page weight: a fresh context loads `/lapor/pengaduan/` until `#pf-submit` is enabled.
   Bytes are CDP `Network.loadingFinished.encodedDataLength` (headers + body as received)
   of every request finished by then, plus `worker.js`, the encryption worker, which the
   form starts (idle) as soon as it runs, so that it is loaded while the person writes: it
   is counted wherever it finishes (CDP reports a worker's script as 0 bytes, so it is
   fetched once more from the page, past the cache, and that request is counted).
   `peluit serve` gzips text assets: "on the wire" is what crossed it and is what the page
   target is checked against; "body gzip" is each body gzipped here at level 6 (the target
   for the encryption code). Requests finished after the button was enabled are
   listed separately, not counted (the form pages have no site search, so no search index).
2. Slow 3G: a fresh context (empty cache) under CDP `Network.emulateNetworkConditions`
   (400 ms latency, 50,000 bytes/s both ways) on the page target; the benchmark also
   auto-attaches to the worker target and asks for the same conditions there, and prints
   Chromium's answer. Time runs from `page.goto` to the receipt being visible; the form is
   filled with `fill` (no typing delay), as the e2e tests fill it, without an attachment.
   The request timeline (Playwright request → requestfinished) shows what waited for what
   and whether the worker's own requests were throttled. "worker loaded → first POST" is the
   worker's own work before it sends anything: receipt code, encrypting report and identity
   block, and the proof of work (`pow_bits`) for the finalize request. It is run REPEATS
   times (a fresh context each time; the proof of work's time varies) and the target is
   checked against the worst run; the first run's details are printed.
3. 200 MiB: a file of random bytes attached through the form and submitted without network
   emulation (25 segments of 8 MiB, each streamed from the file into one reused buffer and
   uploaded as a Blob (ADR 0011): encrypt, plan POST with its proof of work, PUT to
   `peluit serve`, then finalize). MiB/s = 200 MiB / (click → receipt). While it runs, a
   thread samples VmRSS (/proc/<pid>/status) of Chromium's renderer processes (descendants
   of this process whose command line has `--type=renderer`) and of all Chromium processes
   every 100 ms; CDP `Performance.getMetrics` JSHeapUsedSize of the page and of the worker
   (`Runtime.getHeapUsage` through a non-flattened auto-attach: workers have no
   Performance domain) is sampled too (it excludes ArrayBuffer backing stores).
   Growth = peak - the idle sample taken just before the click.
   Where the time goes (context): a Chromium trace (category blink.user_timing only) over the
   same click -> receipt records the workers' "peluit:<name>" measures (js/src/phases.js:
   encrypt, sha256, blob in the encryption lane; pow, plan and finalize posts, PUTs, and the
   upload worker's waits), printed as count, summed and wall time (tests/bench/form_phases.py);
   beside them the CPU seconds of each kind of Chromium process and of this Python process
   (peluit serve and the samplers) over the same time.
   Baseline: typage's in-memory API (`new Encrypter()`, `encrypt(Uint8Array)`) on 200 MiB
   in a page of the same origin: age-encryption bundled ad hoc by esbuild from
   `js/node_modules` (an IIFE, injected in a context with `bypass_csp`, which the real form
   never uses), same recipients. Growth is given over the idle page before the plaintext
   exists (the in-memory API needs the whole file in memory) and over the page holding it.
MiB = 2**20 bytes; KB = 1000 bytes (the issue's page-weight targets).
`--parts 3` runs only part 3 (any comma-separated subset of 1,2,3; default all).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, CDPSession, Page, Request, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from peluit.serve.app import ServeOptions, build_server
from tests.bench import form_phases, summary
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

MIB = 1 << 20
KB = 1000
ROOT = Path(__file__).resolve().parents[2]
FORM_PATH = "/lapor/pengaduan/"
PAGE_TARGET_KB = 200
CRYPTO_TARGET_KB = 60
SLOW_3G_TARGET_S = 6.0
GROWTH_TARGET_MIB = 100
SPEED_TARGET_MIB_S = 50
BIG_MIB = 200
REPEATS = 3  # slow-3G runs: the proof of work's time varies from run to run
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}
READY = "#pf-submit:not([disabled])"
RECEIPT = "#pf-receipt:not([hidden])"


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def kb(n: int | float) -> str:
    return f"{n / KB:8.1f} KB"


@contextmanager
def served() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-form-") as tmp:
        server, _, _, _ = build_server(ServeOptions("127.0.0.1", 0, Path(tmp) / "var", None, None))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        body: bytes = response.read()
        return body


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def fill_text_report(page: Page) -> None:
    """The e2e tests' answers (tests/e2e/test_report_form.py), filled without typing delays."""
    page.fill("#pf-what", "Volume pekerjaan jalan di Desa Sungai Baung dikurangi dari kontrak.")
    page.fill("#pf-who", "Kepala bidang dan kontraktor pelaksana")
    page.fill("#pf-where", "Kecamatan Muara Bulian")
    page.fill("#pf-when", "Agustus 2026")
    page.select_option("#pf-area", "pengadaan")
    page.fill("#pf-loss", "250000000")
    page.check("#pf-identity-confidential")
    page.check("#pf-consent_reward")  # shown once an identity is given
    page.fill("#pf-reporter_name", "Siti Aminah")
    page.fill("#pf-reporter_contact", "0812-0000-0000")


# --- worker targets through the page's CDP session (Playwright has no flattened child sessions)


class WorkerTargets:
    """Auto-attached (non-flattened) child targets of a page, driven by `sendMessageToTarget`."""

    def __init__(self, session: CDPSession, on_attach: list[tuple[str, dict[str, Any]]]) -> None:
        self.session = session
        self.on_attach = on_attach
        self.workers: dict[str, str] = {}  # sessionId -> url
        self.replies: dict[int, dict[str, Any]] = {}
        self.next_id = 10_000
        session.on("Target.attachedToTarget", self._attached)
        session.on("Target.receivedMessageFromTarget", self._received)
        session.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False},
        )

    def send(self, session_id: str, method: str, params: dict[str, Any] | None = None) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        self.session.send(
            "Target.sendMessageToTarget", {"sessionId": session_id, "message": json.dumps(message)}
        )
        return self.next_id

    def _attached(self, event: dict[str, Any]) -> None:
        session_id: str = event["sessionId"]
        self.workers[session_id] = event["targetInfo"].get("url", "")
        for method, params in self.on_attach:
            self.send(session_id, method, params)
        self.send(session_id, "Runtime.runIfWaitingForDebugger")

    def _received(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            self.replies[message["id"]] = message


# --- 1. page weight


@dataclass
class Loaded:
    url: str
    wire: int
    body: int = 0
    gzipped: int = 0


def page_weight(browser: Browser, base: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    urls: dict[str, str] = {}
    finished: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: finished.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    cdp.send("Network.enable")
    page.goto(base + FORM_PATH)
    page.wait_for_selector(READY, timeout=30_000)
    ready = dict(finished)
    page.wait_for_load_state("networkidle")  # the form loads its worker ahead
    page.wait_for_timeout(300)
    # CDP reports a dedicated worker's script with encodedDataLength 0: fetch it once more
    # from the page, past the cache, to count its bytes as they cross the wire
    loaded_ahead = [i for i in finished if urls[i].endswith("/worker.js")]
    before = set(finished)
    page.evaluate(
        """async () => {
          const form = document.getElementById("peluit-form");
          const url = new URL(form.dataset.worker, document.baseURI);
          await (await fetch(url, { cache: "no-store" })).arrayBuffer();
        }"""
    )
    page.wait_for_timeout(300)
    worker_ids = [i for i in finished if urls[i].endswith("/worker.js") and i not in before]
    ready = {i: n for i, n in ready.items() if i not in loaded_ahead}
    later = [i for i in before if i not in ready and i not in loaded_ahead]
    context.close()

    def loaded(ids: list[str]) -> list[Loaded]:
        out = []
        for request_id in ids:
            url = urls[request_id]
            entry = Loaded(url, finished[request_id])
            if url.startswith(base):
                body = fetch(url)
                entry.body, entry.gzipped = len(body), gzip_size(body)
            out.append(entry)
        return out

    counted = loaded(list(ready) + worker_ids)
    wire = sum(e.wire for e in counted)
    print(f"1. Bytes to load {FORM_PATH} ready to submit (fresh cache; KB = 1000 bytes)")
    print(f"   {'on the wire':>12} {'body':>11} {'body gzip':>11}  request")
    for e in counted:
        tag = (
            "  (the encryption worker, loaded ahead by the form)"
            if e in counted[len(ready) :]
            else ""
        )
        print(f"   {kb(e.wire)} {kb(e.body)} {kb(e.gzipped)}  {e.url.removeprefix(base)}")
        if tag:
            print(f"   {'':>36}{tag}")
    print(f"   requests: {len(counted)}; total on the wire (headers + gzip bodies): {kb(wire)}")
    print(f"   target whole page <= {PAGE_TARGET_KB} KB: {met(wire <= PAGE_TARGET_KB * KB)}")
    summary.target(
        "form page weight", f"{wire / KB:.1f} KB", f"<= {PAGE_TARGET_KB} KB",
        wire <= PAGE_TARGET_KB * KB,
    )  # fmt: skip
    [worker] = loaded(worker_ids) if worker_ids else [Loaded("worker.js", 0)]
    print(
        f"   encryption code (worker.js): {kb(worker.body).strip()} raw, "
        f"{kb(worker.gzipped).strip()} gzip; target <= {CRYPTO_TARGET_KB} KB gzip: "
        f"{met(0 < worker.gzipped <= CRYPTO_TARGET_KB * KB)}"
    )
    if later:
        print("   finished after the button was enabled (not counted):")
        for e in loaded(later):
            print(f"   {kb(e.wire)} {kb(e.body)} {kb(e.gzipped)}  {e.url.removeprefix(base)}")


# --- 2. slow 3G


def slow_3g(browser: Browser, base: str, *, detail: bool = True) -> float:
    """One text report under slow 3G; the seconds from navigation to receipt."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    targets = WorkerTargets(
        cdp, [("Network.enable", {}), ("Network.emulateNetworkConditions", SLOW_3G)]
    )
    started: dict[Request, float] = {}
    done: list[tuple[Request, float, float]] = []
    context.on("request", lambda r: started.__setitem__(r, time.monotonic()))
    context.on("requestfinished", lambda r: done.append((r, started[r], time.monotonic())))

    t0 = time.monotonic()
    page.goto(base + FORM_PATH)
    page.wait_for_selector(READY, timeout=60_000)
    t_ready = time.monotonic()
    fill_text_report(page)
    page.click("#pf-submit")  # the review; sending starts at "#pf-send"
    t_click = time.monotonic()
    page.click("#pf-send")
    page.wait_for_selector(RECEIPT, timeout=120_000)
    t_receipt = time.monotonic()
    page.wait_for_timeout(200)  # let the last CDP replies arrive

    def first(pred: str, method: str = "GET") -> tuple[Request, float, float] | None:
        return next((d for d in done if d[0].method == method and pred in d[0].url), None)

    worker = first("/assets/peluit/worker.js")
    post = next((d for d in done if d[0].method == "POST"), None)
    total = t_receipt - t0
    if not detail:
        context.close()
        return total
    print()
    print("2. Text-only report under slow 3G (400 ms latency, 50,000 bytes/s down and up)")
    print("   emulation: Network.emulateNetworkConditions on the page target;")
    answers = [
        json.dumps(r.get("error", r.get("result")))
        for r in targets.replies.values()
        if r.get("id") is not None
    ]
    print(
        f"   worker targets attached: {len(targets.workers)} "
        f"({', '.join(u.rsplit('/', 1)[-1] for u in targets.workers.values())}); "
        f"their answers to Network.enable, emulateNetworkConditions, runIfWaitingForDebugger: "
        f"{'; '.join(answers)}"
    )
    print(f"   navigation -> submit enabled:   {t_ready - t0:6.2f} s")
    print(f"   filling the form (fill):        {t_click - t_ready:6.2f} s")
    if worker is not None:
        print(f"   click -> worker.js requested:   {worker[1] - t_click:6.2f} s")
        print(
            f"   worker.js download:             {worker[2] - worker[1]:6.2f} s "
            f"({len(fetch(base + '/assets/peluit/worker.js'))} bytes, uncompressed)"
        )
    if worker is not None and post is not None:
        print(
            f"   worker loaded -> first POST:    {post[1] - worker[2]:6.2f} s "
            "(receipt code, encrypting report + identity block, proof of work)"
        )
    if post is not None:
        print(
            f"   finalize POST (from the worker): {post[2] - post[1]:5.2f} s "
            f"({post[0].sizes()['requestBodySize']} bytes up) -- throttled if >= 0.4 s"
        )
        print(f"   POST done -> receipt shown:     {t_receipt - post[2]:6.2f} s")
    print(
        f"   navigation -> receipt: {total:.2f} s; target <= {SLOW_3G_TARGET_S:.0f} s: "
        f"{met(total <= SLOW_3G_TARGET_S)}"
    )
    print(
        f"   timeline (s from navigation; ready {t_ready - t0:.2f}, click {t_click - t0:.2f}, "
        f"receipt {t_receipt - t0:.2f}):"
    )
    for request, start, end in sorted(done, key=lambda d: d[1]):
        path = request.url.removeprefix(base).split("?", 1)[0]
        print(f"     {start - t0:5.2f} -> {end - t0:5.2f}  {request.method:4} {path}")
    context.close()
    return total


# --- 3. 200 MiB: memory and throughput


def _status_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def chromium_processes() -> tuple[list[int], list[int]]:
    """(renderer pids, all chromium pids) among this process's descendants."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    mine = {os.getpid()}
    grew = True
    while grew:
        before = len(mine)
        mine |= {pid for pid, ppid in parents.items() if ppid in mine}
        grew = len(mine) != before
    renderers, chromium = [], []
    for pid in mine:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # Chromium rewrites its command line into one string: match on the whole of it
        if argv and b"chromium" in argv[0]:
            chromium.append(pid)
            if b"--type=renderer" in b" ".join(argv):
                renderers.append(pid)
    return renderers, chromium


@dataclass
class Sampler:
    """Samples renderer and all-Chromium RSS (MiB) every 100 ms in a thread."""

    renderer: list[float] = field(default_factory=list)
    everything: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> tuple[float, float]:
        renderers, chromium = chromium_processes()
        return (
            sum(_status_kib(p) for p in renderers) / 1024,
            sum(_status_kib(p) for p in chromium) / 1024,
        )

    def run(self) -> None:
        while not self.stop.is_set():
            r, a = self.sample()
            self.renderer.append(r)
            self.everything.append(a)
            self.stop.wait(0.1)

    @contextmanager
    def running(self) -> Iterator[None]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            self.stop.set()
            thread.join()


def js_heap_mib(cdp: CDPSession) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    used: float = next(m["value"] for m in metrics if m["name"] == "JSHeapUsedSize")
    return used / MIB


def streaming(browser: Browser, base: str, path: Path) -> tuple[float, float]:
    """(MiB/s end to end, renderer growth in MiB)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    targets = WorkerTargets(cdp, [])
    puts: list[float] = []
    context.on("request", lambda r: puts.append(time.monotonic()) if r.method == "PUT" else None)
    page.goto(base + FORM_PATH)
    page.wait_for_selector(READY, timeout=30_000)
    fill_text_report(page)
    page.set_input_files("#pf-files", str(path))
    page.wait_for_timeout(1000)
    sampler = Sampler()
    idle_r, idle_a = sampler.sample()
    idle_heap = js_heap_mib(cdp)
    page_heap: list[float] = []
    asked: dict[int, str] = {}
    browser.start_tracing(categories=["blink.user_timing"])  # js/src/phases.js
    cpu_before = form_phases.cpu_seconds(chromium_processes()[1])
    python_before = os.times()
    with sampler.running():
        page.click("#pf-submit")  # the review; sending starts at "#pf-send"
        t_click = time.monotonic()
        page.click("#pf-send")
        while not page.is_visible("#pf-receipt"):
            page_heap.append(js_heap_mib(cdp))
            for session_id, url in list(targets.workers.items()):
                if url.endswith("/worker.js"):
                    try:
                        asked[targets.send(session_id, "Runtime.getHeapUsage")] = session_id
                    except PlaywrightError:  # the worker just ended (the receipt is coming)
                        targets.workers.pop(session_id, None)
            page.wait_for_timeout(200)
        t_receipt = time.monotonic()
    python_after = os.times()
    cpu = form_phases.cpu_by_kind(cpu_before, form_phases.cpu_seconds(chromium_processes()[1]))
    found = form_phases.phases(browser.stop_tracing())
    worker_heap = [
        reply["result"]["usedSize"] / MIB
        for i, reply in targets.replies.items()
        if i in asked and "result" in reply
    ]
    context.close()
    seconds = t_receipt - t_click
    growth_r = max(sampler.renderer) - idle_r
    growth_a = max(sampler.everything) - idle_a
    print()
    print(f"3. {BIG_MIB} MiB attachment through the form (no network emulation)")
    print(
        f"   streaming (segmented, worker encrypts + uploads to peluit serve): click -> receipt "
        f"{seconds:.2f} s = {BIG_MIB / seconds:.1f} MiB/s end to end ({len(puts)} PUTs; "
        f"first -> last PUT start {puts[-1] - puts[0] if puts else 0:.2f} s)"
    )
    print(
        f"   renderer RSS: idle {idle_r:.0f} MiB, peak {max(sampler.renderer):.0f} MiB, "
        f"growth {growth_r:.0f} MiB ({len(sampler.renderer)} samples); "
        f"target <= {GROWTH_TARGET_MIB} MiB: {met(growth_r <= GROWTH_TARGET_MIB)}"
    )
    print(f"   all Chromium processes RSS: idle {idle_a:.0f} MiB, growth {growth_a:.0f} MiB")
    print(
        f"   JS heap used: page idle {idle_heap:.1f} MiB, "
        f"peak {max(page_heap, default=0):.1f} MiB; "
        f"worker peak {max(worker_heap, default=0):.1f} MiB ({len(worker_heap)} samples)"
    )
    form_phases.print_phases(found, seconds)
    python = sum(python_after[:2]) - sum(python_before[:2])
    print(
        "   CPU seconds over the same time: "
        + ", ".join(f"{kind} {spent:.2f}" for kind, spent in cpu.items())
        + f"; this Python process (peluit serve, the samplers) {python:.2f}"
    )
    return BIG_MIB / seconds, growth_r


BASELINE_JS = """async ([recipients, mib]) => {
  const plaintext = new Uint8Array(mib * 1048576);
  for (let i = 0; i < plaintext.length; i += 65536) {
    crypto.getRandomValues(plaintext.subarray(i, i + 65536));
  }
  window.__plaintext = plaintext;
  await new Promise((r) => setTimeout(r, 1500));  // a sample with the plaintext held
  const encrypter = new typage.Encrypter();
  for (const r of recipients) encrypter.addRecipient(r);
  const t0 = performance.now();
  const ciphertext = await encrypter.encrypt(plaintext);
  const ms = performance.now() - t0;
  return [ms, ciphertext.length];
}"""


def in_memory(browser: Browser, base: str) -> tuple[float, float]:
    """(MiB/s, renderer growth over idle in MiB) of typage's in-memory API."""
    bundle = subprocess.run(
        [
            str(ROOT / "js/node_modules/.bin/esbuild"),
            "--bundle",
            "--format=iife",
            "--global-name=typage",
            "--minify",
            "--log-level=warning",
        ],
        input=b'export { Encrypter } from "age-encryption";',
        cwd=ROOT / "js",
        capture_output=True,
        check=True,
    ).stdout.decode()
    recipients = json.loads(fetch(base + "/assets/peluit/channels.json"))["channels"]["pengaduan"][
        "report_recipients"
    ]
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/")
    page.add_script_tag(content=bundle)
    page.wait_for_timeout(1000)
    sampler = Sampler()
    idle_r, idle_a = sampler.sample()
    with sampler.running():
        ms, length = page.evaluate(BASELINE_JS, [recipients, BIG_MIB])
    # the sample just after the plaintext was filled: the smallest of the 1.5 s pause window
    held = sampler.renderer[: max(1, len(sampler.renderer) // 2)]
    context.close()
    growth = max(sampler.renderer) - idle_r
    growth_holding = max(sampler.renderer) - max(held)
    print(
        f"   in-memory baseline (typage Encrypter.encrypt on a {BIG_MIB} MiB Uint8Array in a "
        f"page, {len(recipients)} recipients): {ms / 1000:.2f} s = "
        f"{BIG_MIB / (ms / 1000):.1f} MiB/s (ciphertext {length / MIB:.1f} MiB)"
    )
    print(
        f"   renderer RSS: idle {idle_r:.0f} MiB, peak {max(sampler.renderer):.0f} MiB, growth "
        f"{growth:.0f} MiB over idle (~{growth_holding:.0f} MiB over the page holding the "
        f"plaintext); target <= {GROWTH_TARGET_MIB} MiB: {met(growth <= GROWTH_TARGET_MIB)}"
    )
    print(f"   all Chromium processes RSS: growth {max(sampler.everything) - idle_a:.0f} MiB")
    return BIG_MIB / (ms / 1000), growth


def slow_3g_runs(browser: Browser, base: str) -> None:
    first = slow_3g(browser, base)
    runs = [first] + [slow_3g(browser, base, detail=False) for _ in range(REPEATS - 1)]
    print(
        f"   {REPEATS} runs: {', '.join(f'{r:.2f}' for r in runs)} s; median "
        f"{statistics.median(runs):.2f} s, worst {max(runs):.2f} s; target <= "
        f"{SLOW_3G_TARGET_S:.0f} s: {met(max(runs) <= SLOW_3G_TARGET_S)} (worst run)"
    )
    summary.target(
        "text report under slow 3G (worst run)", f"{max(runs):.2f} s",
        f"<= {SLOW_3G_TARGET_S:.0f} s", max(runs) <= SLOW_3G_TARGET_S,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_form")
    parser.add_argument(
        "--parts",
        default="1,2,3",
        help="which parts to run, comma-separated (default 1,2,3; e.g. --parts 3)",
    )
    args = parser.parse_args(argv)
    parts = {int(p) for p in args.parts.split(",") if p.strip()}
    started = time.monotonic()
    print(f"Chromium {CHROMIUM}; peluit serve in-process on 127.0.0.1 (demo configuration)")
    with served() as base, sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        print(f"Chromium version {browser.version}; {base}")
        print()
        try:
            if 1 in parts:
                page_weight(browser, base)
            if 2 in parts:
                slow_3g_runs(browser, base)
            if 3 not in parts:
                return
            big = Path(tmp) / "video.mp4"
            with big.open("wb") as out:
                for _ in range(BIG_MIB):
                    out.write(os.urandom(MIB))
            speed, growth = streaming(browser, base, big)
            base_speed, base_growth = in_memory(browser, base)
            summary.target(
                f"{BIG_MIB} MiB through the browser form end to end",
                f"{speed:.1f} MiB/s, renderer growth {growth:.0f} MiB",
                f">= {SPEED_TARGET_MIB_S} MiB/s, growth <= {GROWTH_TARGET_MIB} MiB",
                speed >= SPEED_TARGET_MIB_S and growth <= GROWTH_TARGET_MIB,
            )
            summary.context(
                f"{BIG_MIB} MiB typage encrypt in memory",
                f"{base_speed:.1f} MiB/s, renderer growth {base_growth:.0f} MiB",
            )
            print(
                f"   ratios streaming / in-memory baseline (same run): speed "
                f"{speed / base_speed:.2f} x (end to end with uploads, vs encryption alone), "
                f"renderer growth {growth / base_growth:.2f} x"
            )
        finally:
            browser.close()
    print()
    print(f"(whole run {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
