#!/usr/bin/python3
"""Peer benchmark: Biopython's Bio.Entrez fetching PubMed the way its users write it.

Runs against litrev-test-server (tests/servers) instead of NCBI: Bio.Entrez
hardcodes https://eutils.ncbi.nlm.nih.gov/entrez/eutils/..., so the only thing
changed is the scheme, host and port of each request. That is done by wrapping
the `urlopen` that Bio.Entrez._open calls (Bio.Entrez.urlopen); the wrapper
rewrites Request.full_url and counts what urlopen returned or raised, nothing
else. Biopython's own code does the rest: parameters (tool, email, api_key),
GET or POST, its throttle (one request per 0.1 s with an api_key, 0.37 s
without) and its retry (max_tries=3; HTTP 429 and 5xx are retried at once,
URLError after sleep_between_tries=15 s; both left at Biopython's defaults
unless --max-tries / --sleep-between-tries say otherwise).

The script, as users write it (Biopython tutorial, "Searching for and
downloading abstracts using the history"):

    Entrez.email = ...; Entrez.api_key = ...
    h = Entrez.esearch(db="pubmed", term=Q, retmax=9999, usehistory="y", retmode="json")
    ids = json.load(h)["esearchresult"]["idlist"]
    for i in range(0, len(ids), B):
        h = Entrez.efetch(db="pubmed", id=ids[i:i+B], retmode="xml")
        records = Entrez.read(h)                       # --parse read
        pmids += [str(a["MedlineCitation"]["PMID"]) for a in records["PubmedArticle"]]
      or
        pmids += re.findall(MEDLINE_PMID, h.read())    # --parse regex

Deviations, all forced by the test server and said in the JSON line:
- ESearch asks retmode="json" and reads it with json.load: the synthetic
  PubMed answers ESearch in JSON only, so Entrez.read (XML) cannot be used.
- EFetch is by id list, not WebEnv/query_key: the synthetic EFetch serves id
  lists only. Bio.Entrez POSTs lists of 200 ids or more, as NCBI asks.
- --slices year: ESearch lists at most 9,999 PMIDs, so for a larger result
  the user searches year by year (datetype=edat, mindate=YYYY/01/01,
  maxdate=YYYY/12/31, --first-year..--last-year: 2000..2025 is the synthetic
  PubMed's span); --slices none is the single search (which silently stops at
  9,999 when the count is larger; the JSON line shows count vs listed).

--parse read uses Entrez.read with Bio.Entrez.Parser.DataHandler.local_dtd_dir
set to shared/fixtures/pubmed (the synthetic EFetch names pubmed_250101.dtd,
which is there), so nothing is downloaded. --parse regex takes the PMID that
opens each MedlineCitation from the raw bytes (fast; no validation at all).

--variant plain: no try/except; the first exception that escapes Biopython
ends the script (the JSON line says where and how much it had). --variant
careful: each ESearch is tried up to 3 times and each EFetch batch is wrapped
in try/except Exception: a failed batch is noted and skipped; after any caught
exception it sleeps --pause seconds (default 1), as a user who has seen a 429
would. Nobody re-fetches
a batch, so nothing can be duplicated by the client; the check counts anyway.

Afterwards the script reads the server's /_replay/requests (a control path,
not counted) and pairs each urlopen attempt with the server's record of it, in
order (run one client per server): a batch that produced no exception although
its last attempt was served a faulty 200 body (error-200, invalid-json,
empty-200, or a cut body) was "silently accepted". Every batch that yielded
fewer PMIDs than it asked for without an exception is listed as silent loss.

Prints one JSON line (see the keys at the end of main()).
"""

import argparse
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DTD_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "pubmed"))
NCBI = "https://eutils.ncbi.nlm.nih.gov"
MEDLINE_PMID = re.compile(rb'<MedlineCitation[^>]*>\s*<PMID Version="\d+">(\d+)</PMID>')
FAULTY_200 = {"error-200", "invalid-json", "empty-200"}
CUT = {"truncate", "stall-body"}


class Died(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True, help="the test server, http://127.0.0.1:PORT")
    ap.add_argument("--query", default="synthetic")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--variant", choices=["plain", "careful"], default="plain")
    ap.add_argument("--parse", choices=["read", "regex"], default="read")
    ap.add_argument("--slices", choices=["none", "year"], default="none")
    ap.add_argument("--first-year", type=int, default=2000)
    ap.add_argument("--last-year", type=int, default=2025)
    ap.add_argument("--expect", type=int, default=0, help="N: PMIDs first_pmid..first_pmid+N-1 are expected")
    ap.add_argument("--first-pmid", type=int, default=90000001)
    ap.add_argument("--api-key", default=os.environ.get("NCBI_API_KEY"))
    ap.add_argument("--email", default=os.environ.get("NCBI_EMAIL", "bench@example.org"))
    ap.add_argument("--max-tries", type=int, default=None, help="Bio.Entrez.max_tries (default: Biopython's, 3)")
    ap.add_argument("--sleep-between-tries", type=float, default=None,
                    help="Bio.Entrez.sleep_between_tries (default: Biopython's, 15)")
    ap.add_argument("--pause", type=float, default=1.0,
                    help="careful: seconds it sleeps after a caught exception before going on (default 1)")
    ap.add_argument("--dtd-dir", default=DEFAULT_DTD_DIR)
    ap.add_argument("--label", default="")
    a = ap.parse_args()

    from Bio import Entrez
    from Bio import __version__ as bio_version
    from Bio.Entrez.Parser import DataHandler

    DataHandler.local_dtd_dir = a.dtd_dir
    Entrez.email = a.email
    if a.api_key:
        Entrez.api_key = a.api_key
    if a.max_tries is not None:
        Entrez.max_tries = a.max_tries
    if a.sleep_between_tries is not None:
        Entrez.sleep_between_tries = a.sleep_between_tries

    # --- the only change to Biopython: where its requests go ----------------
    base = a.url.rstrip("/")
    real_urlopen = Entrez.urlopen
    attempts = []  # one dict per urlopen call, in order

    def loopback_urlopen(request, *args, **kwargs):
        if request.full_url.startswith(NCBI):
            request.full_url = base + request.full_url[len(NCBI):]
        rec = {"t": time.perf_counter(), "path": request.selector.split("?")[0].rsplit("/", 1)[-1]}
        attempts.append(rec)
        try:
            handle = real_urlopen(request, *args, **kwargs)
        except urllib.error.HTTPError as e:
            rec["status"] = e.code
            raise
        except urllib.error.URLError as e:
            rec["status"] = "URLError: " + str(e.reason)
            raise
        rec["status"] = handle.status
        return handle

    Entrez.urlopen = loopback_urlopen

    # --- the user's script ---------------------------------------------------
    def one_search(**dates):
        calls[0] += 1
        h = Entrez.esearch(db="pubmed", term=a.query, retmax=9999, usehistory="y", retmode="json", **dates)
        rec = json.load(h)
        h.close()
        return int(rec["esearchresult"]["count"]), rec["esearchresult"]["idlist"]

    def search(**dates):
        tries = 3 if a.variant == "careful" else 1
        for i in range(tries):
            try:
                return one_search(**dates)
            except Exception as e:  # careful: try the search again
                if i == tries - 1:
                    raise
                search_failures.append({"dates": dates, "exception": type(e).__name__, "message": str(e)[:200]})
                time.sleep(a.pause)

    def fetch_batch(batch_ids):
        calls[0] += 1
        h = Entrez.efetch(db="pubmed", id=batch_ids, retmode="xml")
        if a.parse == "read":
            records = Entrez.read(h)
            got = [str(art["MedlineCitation"]["PMID"]) for art in records["PubmedArticle"]]
        else:
            got = [m.decode() for m in MEDLINE_PMID.findall(h.read())]
        h.close()
        return got

    search_failures = []
    calls = [0]  # Entrez.esearch/efetch calls; urlopen attempts beyond these are Biopython's retries
    batches = []  # {index, asked, got, attempts: [i0, i1), exception}
    pmids = []
    reported = 0
    ids = []
    died = None
    esearch_calls = 0
    t0 = time.perf_counter()
    t_search_end = None
    try:
        try:
            if a.slices == "none":
                esearch_calls += 1
                reported, ids = search()
            else:
                for year in range(a.first_year, a.last_year + 1):
                    esearch_calls += 1
                    c, part = search(datetype="edat", mindate=f"{year}/01/01", maxdate=f"{year}/12/31")
                    reported += c
                    ids += part
        except Exception as e:
            raise Died({"phase": "esearch", "search": esearch_calls - 1,
                        "of_searches": 1 if a.slices == "none" else a.last_year - a.first_year + 1,
                        "exception": type(e).__name__, "message": str(e)[:300]})
        t_search_end = time.perf_counter()
        for bi, start in enumerate(range(0, len(ids), a.batch)):
            batch_ids = ids[start:start + a.batch]
            b = {"index": bi, "asked": len(batch_ids), "got": 0, "first_attempt": len(attempts)}
            batches.append(b)
            try:
                got = fetch_batch(batch_ids)
                b["got"] = len(got)
                pmids += got
            except Exception as e:
                b["exception"] = type(e).__name__
                b["message"] = str(e)[:300]
                if a.variant == "plain":
                    raise Died({"phase": "efetch", "batch": bi, "of_batches": -(-len(ids) // a.batch),
                                "exception": type(e).__name__, "message": str(e)[:300]})
                time.sleep(a.pause)
            finally:
                b["last_attempt"] = len(attempts)
    except Died as d:
        died = d.args[0]
    t_end = time.perf_counter()
    if t_search_end is None:
        t_search_end = t_end

    # --- what the server did about each attempt -----------------------------
    served = []
    try:
        with urllib.request.urlopen(base + "/_replay/requests", timeout=30) as h:
            served = [s for s in json.load(h) if s["path"].startswith("/entrez/eutils/")]
    except Exception as e:  # the report still has the client's side
        print(f"bench_fetch_biopython: could not read /_replay/requests: {e}", file=sys.stderr)
    paired = len(served) == len(attempts)
    if paired:
        for rec, s in zip(attempts, served):
            rec["server_status"] = s["status"]
            rec["fault"] = s["fault"]
            rec["rate_limited"] = s["rate_limited"]

    silent = []  # batches with no exception but fewer PMIDs than asked
    for b in batches:
        tried = attempts[b["first_attempt"]:b["last_attempt"]]
        b["attempts"] = len(tried)
        b["faults"] = [r.get("fault", "?") for r in tried]
        if "exception" not in b and b["got"] < b["asked"]:
            silent.append({"batch": b["index"], "asked": b["asked"], "got": b["got"],
                           "last_fault": b["faults"][-1] if b["faults"] else None})
    accepted_faulty = {}
    for b in batches:
        if "exception" in b or not b["faults"]:
            continue
        f = b["faults"][-1]
        if f in FAULTY_200 or f in CUT:
            accepted_faulty[f] = accepted_faulty.get(f, 0) + 1

    unique = set(pmids)
    expected = {str(a.first_pmid + i) for i in range(a.expect)}
    failed = [b for b in batches if "exception" in b]
    statuses = {}
    for r in attempts:
        k = str(r.get("status"))
        statuses[k] = statuses.get(k, 0) + 1
    efetch_times = [r["t"] for r in attempts if r["path"] == "efetch.fcgi"]
    efetch_phase = efetch_times[-1] - efetch_times[0] if len(efetch_times) > 1 else 0.0
    seconds = t_end - t0
    exceptions = {}
    for b in failed:
        exceptions[b["exception"]] = exceptions.get(b["exception"], 0) + 1

    print(json.dumps({
        "tool": "biopython",
        "label": a.label,
        "biopython_version": bio_version,
        "variant": a.variant,
        "parse": "Entrez.read" if a.parse == "read" else "regex",
        "slices": a.slices,
        "batch": a.batch,
        "max_tries": Entrez.max_tries,
        "pause": a.pause if a.variant == "careful" else None,
        "sleep_between_tries": Entrez.sleep_between_tries,
        "api_key": bool(a.api_key),
        "esearch_calls": esearch_calls,
        "esearch_failures_retried": len(search_failures),
        "reported": reported,           # sum of ESearch counts
        "ids_listed": len(ids),         # PMIDs the searches listed
        "batches_planned": -(-len(ids) // a.batch) if ids else 0,
        "batches_tried": len(batches),
        "batches_failed": len(failed),
        "batch_exceptions": exceptions,
        "died": died,                   # plain: where it stopped; null if it finished
        "records": len(pmids),          # PMIDs collected, duplicates included
        "unique": len(unique),
        "duplicates": len(pmids) - len(unique),
        "expected": a.expect,
        "missing": len(expected - unique) if a.expect else None,
        "unexpected": len(unique - expected) if a.expect else None,
        "silent_short_batches": silent,  # no exception, fewer PMIDs than asked
        "accepted_faulty_bodies": accepted_faulty,
        "attempts": len(attempts),      # urlopen calls (Biopython's retries included)
        "entrez_calls": calls[0],
        "retries": len(attempts) - calls[0],
        "client_statuses": statuses,
        "client_429": statuses.get("429", 0),
        "paired_with_server": paired,
        "server_rate_limited": sum(1 for r in attempts if r.get("rate_limited")),
        "seconds": round(seconds, 3),
        "seconds_esearch": round(t_search_end - t0, 3),
        "seconds_efetch_phase": round(efetch_phase, 3),  # first to last EFetch attempt, client clock
        "efetch_requests": len(efetch_times),
        "records_per_s": round(len(unique) / seconds, 1) if seconds > 0 else 0,
        "failed_batch_detail": [{k: b[k] for k in ("index", "exception", "message", "faults")} for b in failed],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
