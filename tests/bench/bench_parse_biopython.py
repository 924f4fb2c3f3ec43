#!/usr/bin/python3
"""Peer benchmark: Biopython's Bio.Entrez parsing a PubMed XML file.

Measures what a Biopython user gets when parsing an EFetch-style PubMed XML
file the usual way: Bio.Entrez.parse if it accepts the file (it streams),
otherwise Bio.Entrez.read (it builds the whole file as nested Python objects).
With the 2025 DTD, Entrez.parse refuses a PubmedArticleSet ("does not
represent a list"), so Entrez.read is what runs; the JSON line says which API
was used. The DTD comes from shared/fixtures/pubmed (DataHandler.local_dtd_dir),
so nothing is downloaded.

The clock covers opening the file and parsing it (including the short failed
Entrez.parse attempt), plus a walk that counts records and touches each
record's PMID and title; Python start-up and imports are not timed. Peak RSS
is the process's ru_maxrss.

Biopython is slow and holds the whole file in memory, so run.sh gives it a
smaller file of the same composition as the litrev input (gen_pubmed.py cycles
through the same fixture records) and compares rates (records/s, MB/s), not
times.

Prints one JSON line:
  {"tool": "biopython", "mode": "biopython", "api": "Entrez.read", "file": ...,
   "bytes": ..., "records": ..., "seconds": ..., "records_per_s": ...,
   "mb_per_s": ..., "peak_rss_mb": ...}
MB are 10^6 bytes of (decompressed) XML; peak_rss_mb is MiB.
"""

import gzip
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DTD_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "pubmed"))


def open_input(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return open(path, "rb")


def xml_bytes(path):
    """Size of the (decompressed) XML, for MB/s."""
    with open_input(path) as f:
        n = 0
        while True:
            block = f.read(1 << 20)
            if not block:
                return n
            n += len(block)


def touch(article):
    """Reads the PMID and the title of one parsed record, as a user would."""
    if "MedlineCitation" in article:
        mc = article["MedlineCitation"]
        return len(str(mc["PMID"])) + len(str(mc["Article"].get("ArticleTitle", "")))
    doc = article["BookDocument"]
    return len(str(doc["PMID"])) + len(str(doc.get("ArticleTitle", "")))


def main():
    if len(sys.argv) < 2:
        print("usage: bench_parse_biopython.py FILE [DTD_DIR]", file=sys.stderr)
        return 2
    path = sys.argv[1]
    dtd_dir = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_DTD_DIR

    from Bio import Entrez
    from Bio import __version__ as bio_version
    from Bio.Entrez.Parser import DataHandler

    DataHandler.local_dtd_dir = dtd_dir
    size = xml_bytes(path)

    records = 0
    touched = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    try:
        api = "Entrez.parse"
        with open_input(path) as handle:
            for item in Entrez.parse(handle):
                records += 1
                touched += touch(item)
    except ValueError as e:
        if "does not represent a list" not in str(e):
            raise
        # Entrez.parse refuses the file; do what its users do next.
        api = "Entrez.read"
        records = 0
        touched = 0
        with open_input(path) as handle:
            result = Entrez.read(handle)
        for key in ("PubmedArticle", "PubmedBookArticle"):
            for item in result.get(key, []):
                records += 1
                touched += touch(item)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(
        json.dumps(
            {
                "tool": "biopython",
                "mode": "biopython",
                "api": api,
                "biopython_version": bio_version,
                "file": path,
                "bytes": size,
                "records": records,
                "seconds": round(seconds, 4),
                "records_per_s": round(records / seconds, 1),
                "mb_per_s": round(size / 1e6 / seconds, 3),
                "peak_rss_mb": round(peak_kib / 1024, 1),
                "cpu_seconds": round(cpu, 4),
                "checksum": touched,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
