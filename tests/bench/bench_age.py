"""Benchmark of `peluit.age`: throughput against raw ChaCha20-Poly1305, and peak memory.

Run with `python -m tests.bench.bench_age [--size-mib N]` (`make bench`). It prints figures
and always exits 0; the targets (age >= 0.6 x the raw baseline's throughput, peak RSS
<= 64 MiB whatever the file size) are reported as met or not, never asserted.

- age: `encrypt_stream` / `decrypt_stream`, file to file in a fresh temp dir under /tmp, to
  three hybrid (ML-KEM-768 + X25519) recipients; the decrypting identity is the last one, so
  it first fails on the other two stanzas. The files stay in the page cache (no fsync), so
  this measures the code and the kernel's file I/O, not the disk. Every age run happens in
  a fresh child process (multiprocessing, 'spawn'), which times itself and reports back its
  RSS right after imports and its peak RSS (see `_peak_kib` for why that is VmHWM, not
  `ru_maxrss`). Throughput is the best of two runs, peak RSS the worst. Peak RSS is also
  measured for a file a quarter the size, to show it does not grow with the file.
- baseline (the ratio's denominator): raw `ChaCha20Poly1305` over 64 KiB chunks, file to
  file, reading and writing exactly as age does but with no header, no STREAM framing and
  no read-ahead; best of three, in this process. The ratio is what the age format and our
  code cost over the primitive with the same I/O.
- context (no target), best of three: raw ChaCha20Poly1305 in memory over one reused chunk
  (the decrypt loop keeps its counter at 0: a sealed chunk only authenticates under its own
  nonce), age reading the file but throwing its output away (its ratio to raw in memory is
  the module's cost without output I/O), and a plain file copy in 64 KiB pieces.
- Throughput counts plaintext bytes in both directions; MiB = 2**20 bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cryptography
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from peluit.age import (
    HybridIdentity,
    HybridRecipient,
    decrypt_stream,
    encrypt_stream,
    iter_decrypt,
    iter_encrypt,
)
from peluit.age.stream import CHUNK_SIZE
from tests.bench import summary

MIB = 1 << 20
RECIPIENTS = 3
AGE_RUNS = 2
RAW_RUNS = 3
CONTEXT_RUNS = 3
RATIO_TARGET = 0.6
PEAK_RSS_TARGET_MIB = 64.0
SAME_RSS_TOLERANCE_MIB = 2.0
WRITE_PIECE = MIB

# (seconds, RSS after imports in KiB, peak RSS in KiB), as a plain tuple so it unpickles in the
# parent whatever name this module had in the child.
ChildResult = tuple[float, int, int]


@dataclass(frozen=True)
class AgeRun:
    seconds: float
    base_kib: int
    peak_kib: int


@dataclass(frozen=True)
class AgeFigures:
    seconds: float  # best run
    base_kib: int  # of the run with the highest peak
    peak_kib: int  # highest peak over the runs


# --- child processes -------------------------------------------------------------------------


def _proc_status_kib(field: str) -> int | None:
    """A `Vm…` figure of /proc/self/status in KiB, or None without /proc (not Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def _rss_now_kib() -> int:
    """Current RSS; without /proc, the peak so far (`ru_maxrss`, KiB on Linux)."""
    now = _proc_status_kib("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kib() -> int:
    """Peak RSS of this process since its exec.

    `RUSAGE_SELF.ru_maxrss` of a spawned child is not that: Linux carries the high-water mark
    of the address space the child had before its execve (the parent's, copied by fork) into
    `ru_maxrss`, so it is never below the parent's RSS at spawn time. VmHWM is the high-water
    mark of the child's own address space; `ru_maxrss` is the fallback without /proc.
    """
    hwm = _proc_status_kib("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_encrypt(src: str, dst: str, recipients: list[str]) -> ChildResult:
    base = _rss_now_kib()
    parsed = [HybridRecipient.parse(r) for r in recipients]
    Path(dst).unlink(missing_ok=True)  # every run writes a new file, none truncates an old one
    with Path(src).open("rb") as fin, Path(dst).open("wb") as fout:
        start = time.perf_counter()
        encrypt_stream(fin, fout, parsed)
        fout.flush()
        seconds = time.perf_counter() - start
    return seconds, base, _peak_kib()


def child_decrypt(src: str, dst: str, identity: str) -> ChildResult:
    base = _rss_now_kib()
    parsed = [HybridIdentity.parse(identity)]
    Path(dst).unlink(missing_ok=True)
    with Path(src).open("rb") as fin, Path(dst).open("wb") as fout:
        start = time.perf_counter()
        decrypt_stream(fin, fout, parsed)
        fout.flush()
        seconds = time.perf_counter() - start
    return seconds, base, _peak_kib()


def _in_fresh_child(fn: Callable[..., ChildResult], *args: object) -> AgeRun:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        seconds, base, peak = pool.submit(fn, *args).result()
    return AgeRun(seconds, base, peak)


def _repeat(runs: int, fn: Callable[[], AgeRun]) -> AgeFigures:
    results = [fn() for _ in range(runs)]
    worst = max(results, key=lambda r: r.peak_kib)
    return AgeFigures(min(r.seconds for r in results), worst.base_kib, worst.peak_kib)


# --- raw baseline ----------------------------------------------------------------------------


def raw_encrypt(aead: ChaCha20Poly1305, chunk: bytes, chunks: int) -> float:
    start = time.perf_counter()
    for counter in range(chunks):
        aead.encrypt(counter.to_bytes(12, "big"), chunk, None)
    return time.perf_counter() - start


def raw_decrypt(aead: ChaCha20Poly1305, sealed: bytes, chunks: int) -> float:
    counter = 0  # see the module docstring: one sealed chunk authenticates under one nonce
    start = time.perf_counter()
    for _ in range(chunks):
        aead.decrypt(counter.to_bytes(12, "big"), sealed, None)
    return time.perf_counter() - start


def raw_baseline(size_mib: int) -> tuple[float, float]:
    """Best-of-RAW_RUNS seconds to encrypt and to decrypt `size_mib` MiB in 64 KiB chunks."""
    chunks = size_mib * MIB // CHUNK_SIZE
    aead = ChaCha20Poly1305(ChaCha20Poly1305.generate_key())
    chunk = os.urandom(CHUNK_SIZE)
    sealed = aead.encrypt((0).to_bytes(12, "big"), chunk, None)
    enc = min(raw_encrypt(aead, chunk, chunks) for _ in range(RAW_RUNS))
    dec = min(raw_decrypt(aead, sealed, chunks) for _ in range(RAW_RUNS))
    return enc, dec


def raw_file_encrypt(src: Path, dst: Path) -> float:
    """Raw STREAM-shaped encryption file to file: the same I/O as age, no format around it."""
    aead = ChaCha20Poly1305(ChaCha20Poly1305.generate_key())
    dst.unlink(missing_ok=True)
    with src.open("rb") as fin, dst.open("wb") as fout:
        start = time.perf_counter()
        counter = 0
        while piece := fin.read(CHUNK_SIZE):
            fout.write(aead.encrypt(counter.to_bytes(12, "big"), piece, None))
            counter += 1
        fout.flush()
        return time.perf_counter() - start


def raw_file_decrypt(src: Path, dst: Path, key: bytes) -> float:
    aead = ChaCha20Poly1305(key)
    dst.unlink(missing_ok=True)
    with src.open("rb") as fin, dst.open("wb") as fout:
        start = time.perf_counter()
        counter = 0
        while piece := fin.read(CHUNK_SIZE + 16):
            fout.write(aead.decrypt(counter.to_bytes(12, "big"), piece, None))
            counter += 1
        fout.flush()
        return time.perf_counter() - start


def raw_file_baseline(plain: Path) -> tuple[float, float]:
    """Best-of-RAW_RUNS seconds for raw ChaCha20Poly1305 file to file, both directions."""
    key = ChaCha20Poly1305.generate_key()
    sealed, opened = plain.with_suffix(".raw"), plain.with_suffix(".raw-opened")
    aead = ChaCha20Poly1305(key)
    with plain.open("rb") as fin, sealed.open("wb") as fout:
        counter = 0
        while piece := fin.read(CHUNK_SIZE):
            fout.write(aead.encrypt(counter.to_bytes(12, "big"), piece, None))
            counter += 1
    enc = min(raw_file_encrypt(plain, plain.with_suffix(".raw2")) for _ in range(RAW_RUNS))
    dec = min(raw_file_decrypt(sealed, opened, key) for _ in range(RAW_RUNS))
    for path in (sealed, opened, plain.with_suffix(".raw2")):
        path.unlink(missing_ok=True)
    return enc, dec


# --- context: where the time of a file-to-file run goes --------------------------------------


@dataclass(frozen=True)
class Context:
    copy_seconds: float  # plain file copy in 64 KiB pieces: the I/O alone
    raw_file_seconds: tuple[float, float]  # raw ChaCha20Poly1305 file to file: the baseline
    encrypt_discard_seconds: float  # age encrypt from the file, output thrown away
    decrypt_discard_seconds: float  # age decrypt from the file, output thrown away


def _best(fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(CONTEXT_RUNS))


def copy_file(src: Path, dst: Path) -> float:
    dst.unlink(missing_ok=True)
    with src.open("rb") as fin, dst.open("wb") as fout:
        start = time.perf_counter()
        while piece := fin.read(CHUNK_SIZE):
            fout.write(piece)
        fout.flush()
        seconds = time.perf_counter() - start
    dst.unlink()
    return seconds


def encrypt_to_discard(src: Path, recipients: list[str]) -> float:
    parsed = [HybridRecipient.parse(r) for r in recipients]
    with src.open("rb") as fin:
        start = time.perf_counter()
        for _ in iter_encrypt(fin, parsed):
            pass
        return time.perf_counter() - start


def decrypt_to_discard(src: Path, identity: str) -> float:
    parsed = [HybridIdentity.parse(identity)]
    with src.open("rb") as fin:
        start = time.perf_counter()
        for _ in iter_decrypt(fin, parsed):
            pass
        return time.perf_counter() - start


def measure_context(plain: Path, sealed: Path, recipients: list[str], identity: str) -> Context:
    _progress(f"context: file copy, age to discard x{CONTEXT_RUNS} (in this process)")
    return Context(
        _best(lambda: copy_file(plain, plain.with_suffix(".copy"))),
        raw_file_baseline(plain),
        _best(lambda: encrypt_to_discard(plain, recipients)),
        _best(lambda: decrypt_to_discard(sealed, identity)),
    )


# --- files -----------------------------------------------------------------------------------


def write_plaintext(path: Path, size_mib: int) -> str:
    """Write `size_mib` MiB of random bytes in 1 MiB pieces; return their SHA-256."""
    digest = hashlib.sha256()
    with path.open("wb") as f:
        for _ in range(size_mib * MIB // WRITE_PIECE):
            piece = os.urandom(WRITE_PIECE)
            digest.update(piece)
            f.write(piece)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while piece := f.read(WRITE_PIECE):
            digest.update(piece)
    return digest.hexdigest()


# --- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeResult:
    size_mib: int
    encrypt: AgeFigures
    decrypt: AgeFigures
    context: Context | None


def bench_size(
    work: Path, size_mib: int, runs: int, recipients: list[str], identity: str, *, context: bool
) -> SizeResult:
    plain, sealed, opened = (work / f"{size_mib}mib.{ext}" for ext in ("bin", "age", "out"))
    _progress(f"writing {size_mib} MiB of random plaintext")
    expected = write_plaintext(plain, size_mib)
    _progress(f"age encrypt {size_mib} MiB x{runs} (fresh child each)")
    encrypt = _repeat(
        runs, lambda: _in_fresh_child(child_encrypt, str(plain), str(sealed), recipients)
    )
    _progress(f"age decrypt {size_mib} MiB x{runs} (fresh child each)")
    decrypt = _repeat(
        runs, lambda: _in_fresh_child(child_decrypt, str(sealed), str(opened), identity)
    )
    if sha256_file(opened) != expected:
        raise SystemExit(f"decrypted {size_mib} MiB file differs from the plaintext")
    extra = measure_context(plain, sealed, recipients, identity) if context else None
    for path in (plain, sealed, opened):
        path.unlink()
    return SizeResult(size_mib, encrypt, decrypt, extra)


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def _mib_s(size_mib: int, seconds: float) -> float:
    return size_mib / seconds


def _mib(kib: int) -> float:
    return kib / 1024


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(
    size_mib: int, big: SizeResult, small: SizeResult, raw: tuple[float, float], work: Path
) -> None:
    age_enc = _mib_s(size_mib, big.encrypt.seconds)
    age_dec = _mib_s(size_mib, big.decrypt.seconds)
    mem_enc, mem_dec = (_mib_s(size_mib, s) for s in raw)
    assert big.context is not None
    ctx = big.context
    raw_enc, raw_dec = (_mib_s(size_mib, s) for s in ctx.raw_file_seconds)
    ratio_enc, ratio_dec = age_enc / raw_enc, age_dec / raw_dec
    print(
        f"peluit.age benchmark: {size_mib} MiB, {RECIPIENTS} hybrid mlkem768x25519 recipients,"
        f" {CHUNK_SIZE // 1024} KiB chunks"
    )
    print(
        f"Python {platform.python_version()}, cryptography {cryptography.__version__},"
        f" {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs;"
        f" files in {work} (page cache, no fsync)"
    )
    print()
    print(f"{'throughput (MiB/s)':<48}{'encrypt':>10}{'decrypt':>10}")
    print(f"{f'  age, file to file (best of {AGE_RUNS})':<48}{age_enc:>10.1f}{age_dec:>10.1f}")
    print(
        f"{'  baseline: raw ChaCha20Poly1305 64 KiB chunks,':<48}\n"
        f"{f'    file to file, same I/O (best of {RAW_RUNS})':<48}{raw_enc:>10.1f}{raw_dec:>10.1f}"
    )
    print(f"{'  ratio age / baseline':<48}{ratio_enc:>10.2f}{ratio_dec:>10.2f}")
    print(
        f"{f'  target ratio >= {RATIO_TARGET:.1f}':<48}"
        f"{_verdict(ratio_enc >= RATIO_TARGET):>10}{_verdict(ratio_dec >= RATIO_TARGET):>10}"
    )
    disc_enc = _mib_s(size_mib, ctx.encrypt_discard_seconds)
    disc_dec = _mib_s(size_mib, ctx.decrypt_discard_seconds)
    print(f"context, no target (best of {CONTEXT_RUNS}):")
    print(
        f"{f'  raw ChaCha20Poly1305 in memory (best of {RAW_RUNS})':<48}"
        f"{mem_enc:>10.1f}{mem_dec:>10.1f}"
    )
    print(f"{'  age, file to discarded output':<48}{disc_enc:>10.1f}{disc_dec:>10.1f}")
    print(
        f"{'    its ratio / raw in memory':<48}"
        f"{disc_enc / mem_enc:>10.2f}{disc_dec / mem_dec:>10.2f}"
    )
    copy = _mib_s(size_mib, ctx.copy_seconds)
    print(f"{'  file copy, 64 KiB pieces, no crypto':<48}{copy:>10.1f}{'(same)':>10}")
    print()
    print(
        f"peak RSS (VmHWM), each run in a fresh 'spawn' child"
        f" (worst of {AGE_RUNS} runs where repeated)"
    )
    rows = [
        ("encrypt", big.size_mib, big.encrypt),
        ("decrypt", big.size_mib, big.decrypt),
        ("encrypt", small.size_mib, small.encrypt),
        ("decrypt", small.size_mib, small.decrypt),
    ]
    width = len(str(size_mib))
    for op, mib, fig in rows:
        print(
            f"  {op} {mib:>{width}} MiB  peak RSS {_mib(fig.peak_kib):5.1f} MiB"
            f" ({_mib(fig.peak_kib - fig.base_kib):4.1f} MiB above the interpreter after"
            f" imports, {_mib(fig.base_kib):.1f} MiB)"
        )
    worst_peak = max(_mib(fig.peak_kib) for _, _, fig in rows)
    growth = _mib(big.decrypt.peak_kib - small.decrypt.peak_kib)
    peak_ok = _verdict(worst_peak <= PEAK_RSS_TARGET_MIB)
    print(f"  target peak <= {PEAK_RSS_TARGET_MIB:.0f} MiB: {peak_ok} (worst {worst_peak:.1f} MiB)")
    same = "about the same" if abs(growth) <= SAME_RSS_TOLERANCE_MIB else "NOT the same"
    for way, ratio in (("encrypt", ratio_enc), ("decrypt", ratio_dec)):
        summary.target(
            f"age {way} / raw ChaCha20-Poly1305 file to file", f"{ratio:.2f}",
            f">= {RATIO_TARGET}", ratio >= RATIO_TARGET,
        )  # fmt: skip
    summary.target(
        "age peak RSS", f"{worst_peak:.1f} MiB", f"<= {PEAK_RSS_TARGET_MIB:.0f} MiB",
        worst_peak <= PEAK_RSS_TARGET_MIB,
    )  # fmt: skip
    print(
        f"  decrypt peak, {big.size_mib} MiB vs {small.size_mib} MiB file: {growth:+.1f} MiB"
        f" ({same}; tolerance {SAME_RSS_TOLERANCE_MIB:.0f} MiB)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--size-mib",
        type=int,
        default=256,
        help="plaintext size in MiB (default 256); peak RSS is also measured at a quarter of it",
    )
    args = parser.parse_args(argv)
    size_mib: int = args.size_mib
    if size_mib < 1:
        parser.error("--size-mib must be at least 1")
    small_mib = max(1, size_mib // 4)

    started = time.perf_counter()
    identities = [HybridIdentity.generate() for _ in range(RECIPIENTS)]
    recipients = [i.recipient().encode() for i in identities]
    # The identity of the last stanza, so the decrypt first tries (and fails) the other two.
    identity = identities[-1].encode()

    _progress(f"raw ChaCha20Poly1305 {size_mib} MiB x{RAW_RUNS}")
    raw = raw_baseline(size_mib)
    # Always /tmp, whatever TMPDIR says; mkdtemp makes an unpredictable, 0700 directory there.
    with tempfile.TemporaryDirectory(prefix="peluit-bench-", dir="/tmp") as tmp:
        work = Path(tmp)
        big = bench_size(work, size_mib, AGE_RUNS, recipients, identity, context=True)
        small = bench_size(work, small_mib, 1, recipients, identity, context=False)
        print()
        report(size_mib, big, small, raw, work)
    print(f"\n(total {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
