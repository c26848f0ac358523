"""Citizens' files encrypted at rest: throughput and peak memory of saving and reading one file.

    DJANGO_SETTINGS_MODULE=benchmarks.settings .venv/bin/python benchmarks/bench_file_encryption.py
    ... bench_file_encryption.py --size-mb 10 --rounds 5

Compares, in one run, the encrypted private storage with the plain FileSystemStorage it wraps
(same temporary folder). Peak memory is traced allocations above the uploaded file itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wagtail_passfamille.security.file_crypto import EncryptedStorage

    size = int(args.size_mb * 1024 * 1024)
    content = b"%PDF-" + os.urandom(size - 5)
    with tempfile.TemporaryDirectory() as folder:
        plain = FileSystemStorage(location=os.path.join(folder, "plain"))
        encrypted = EncryptedStorage(FileSystemStorage(location=os.path.join(folder, "enc")))
        results = {}
        for label, storage in (("plain", plain), ("encrypted", encrypted)):
            writes, reads, peaks = [], [], []
            for _round in range(args.rounds):
                upload = SimpleUploadedFile("f.pdf", content, "application/pdf")
                tracemalloc.start()
                start = time.perf_counter()
                name = storage.save("submissions/f.pdf", upload)
                writes.append(time.perf_counter() - start)
                start = time.perf_counter()
                with storage.open(name) as handle:
                    total = sum(len(chunk) for chunk in handle.chunks())
                reads.append(time.perf_counter() - start)
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
                assert total == size
                storage.delete(name)
            results[label] = (statistics.median(writes), statistics.median(reads), max(peaks))
    mb = size / 1024 / 1024
    print(f"{mb:.1f} MB file, median of {args.rounds} rounds")
    for label, (write, read, peak) in results.items():
        print(
            f"{label:>9}: save {write * 1000:7.1f} ms ({mb / write:6.1f} MB/s), "
            f"read {read * 1000:7.1f} ms ({mb / read:6.1f} MB/s), "
            f"peak memory {peak / 1024:7.0f} KiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
