"""Benchmark: 10,000 DOCX notices of mixed kinds and languages, seeded.

Times the engine's batch (``render_batch`` on --workers processes, process start-up included)
against a naive python-docx loop on the same letters: a fresh ``Document`` built and saved per
notice (``build_document(...).save``), timed on the first --naive notices and given per second.
The naive loop already skips python-docx's slow style and text setters (same XML as the batch),
so the ratio understates the gain over plain python-docx code. Target: at least 1,000 notices per
second and 15 times the naive loop.
Last line: notices_per_s=... naive_per_s=...
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import time
from collections import Counter
from pathlib import Path

# This script shares its name with the package it measures: drop its own folder from the
# import path so that `notices` is the package, not this file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from notices import build_document, render_batch, render_docx  # noqa: E402
from notices.samples import varied  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="notices in the batch")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the batch")
    parser.add_argument("--naive", type=int, default=300, help="notices timed with the naive loop")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    letters = varied(args.count, seed=args.seed)
    mix = Counter(f"{data.kind}.{data.language}" for data in letters)
    print(f"{len(letters)} notices: " + ", ".join(f"{key} {n}" for key, n in sorted(mix.items())))

    start = time.perf_counter()
    batch = render_batch(letters, workers=args.workers)
    batch_s = time.perf_counter() - start
    size = sum(len(docx) for docx in batch)
    print(f"batch: {len(batch)} notices in {batch_s:.2f} s on {args.workers} workers, {size / 1e6:.1f} MB")

    subset = letters[: args.naive]
    start = time.perf_counter()
    for data in subset:
        buffer = io.BytesIO()
        build_document(data).save(buffer)
    naive_s = time.perf_counter() - start
    print(f"naive: {len(subset)} notices in {naive_s:.2f} s (fresh python-docx Document built and saved each)")

    # The batch gives render_docx's bytes: check a sample so that the speed is not bought with drift.
    sample = range(0, len(letters), max(1, len(letters) // 50))
    same = all(batch[i] == render_docx(letters[i]) for i in sample)
    digest = hashlib.sha256(b"".join(hashlib.sha256(docx).digest() for docx in batch)).hexdigest()[:16]
    print(f"batch equals render_docx on {len(sample)} sampled notices: {same}; digest of the batch {digest}")

    notices_per_s = len(batch) / batch_s
    naive_per_s = len(subset) / naive_s
    print(f"speed-up: {notices_per_s / naive_per_s:.1f}x")
    print(f"notices_per_s={notices_per_s:.0f} naive_per_s={naive_per_s:.1f}")


if __name__ == "__main__":
    main()
