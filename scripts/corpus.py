#!/usr/bin/env python3
"""The differential corpus of public real files, kept as a list (issue #19, item 8).

`testdata/corpus.tsv` names each file by (repository, commit, path) with its format and the
verdict expected of vouch; the files themselves are not in the repository. Two steps:

  scripts/corpus.py extract [OUT]   re-extract every listed file into OUT (default
                                    target/corpus) from the bare git snapshots under
                                    /work/.mirror/OWNER+NAME/repo (brought by the search
                                    tool's fetch; a missing snapshot is named, exit 2)
  scripts/corpus.py check [OUT]     run `vouch inspect` and the reference tools on them;
                                    exit 1 on any unexplained disagreement, and print the
                                    disagreement rate

CI has no network, so this tier is run by hand (README "Formats"), not by `cargo test`.

A row's `expected` is vouch's verdict: `ok`, `repaired`, `damaged` or `unsupported`. Where
it differs from the references' (a file they read that vouch refuses, or the other way),
`reason` says who is right and why (the same words as docs/formats.md); a disagreement
without a reason, or a verdict other than expected, fails the check.

References by format: PDF `qpdf --check` (exit 0, or 3 = read with warnings) and
`pdftoppm` (renders every page); JBIG2 `jbig2dec`; JPEG `jpeginfo -c`; TIFF `tiffinfo -D`;
PNG `pngcheck`; JPEG 2000 `opj_decompress`.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "testdata", "corpus.tsv")
MIRROR = "/work/.mirror"
FIELDS = ["repo", "commit", "path", "format", "expected", "reason"]


def rows():
    with open(LIST, newline="") as f:
        lines = (l for l in f if not l.startswith("#"))
        return list(csv.DictReader(lines, delimiter="\t", fieldnames=FIELDS))


def local(out, row):
    return os.path.join(out, row["repo"].replace("/", "+"), row["path"])


def extract(out):
    missing = set()
    for row in rows():
        git = os.path.join(MIRROR, row["repo"].replace("/", "+"), "repo")
        if not os.path.isdir(git):
            missing.add(row["repo"])
            continue
        dest = local(out, row)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        blob = subprocess.run(
            ["git", "--git-dir", git, "show", f"{row['commit']}:{row['path']}"],
            capture_output=True, check=True,
        ).stdout
        with open(dest, "wb") as f:
            f.write(blob)
    if missing:
        print("no snapshot (fetch github:REPO with the search tool first):", *sorted(missing))
        sys.exit(2)
    print(f"extracted {len(rows())} files into {out}")


def run(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, "timed out"


def reference(fmt, path, scratch):
    """True when the reference tools read the whole file."""
    if fmt == "pdf":
        code, _ = run(["qpdf", "--check", path])
        if code not in (0, 3):
            return False
        code, _ = run(["pdftoppm", "-r", "4", "-gray", path, os.path.join(scratch, "p")])
        return code == 0
    if fmt == "jbig2":
        code, text = run(["jbig2dec", "-t", "pbm", "-o", os.path.join(scratch, "o.pbm"), path])
        return code == 0 and "FATAL" not in text and "error" not in text
    if fmt == "jpeg":
        _, text = run(["jpeginfo", "-c", path])
        return text.rstrip().endswith("OK")
    if fmt == "tiff":
        code, text = run(["tiffinfo", "-D", path])
        return code == 0 and "rror" not in text
    if fmt == "png":
        code, _ = run(["pngcheck", "-q", path])
        return code == 0
    if fmt == "jp2":
        code, text = run(["opj_decompress", "-i", path, "-o", os.path.join(scratch, "o.pgm")])
        return code == 0 and "ERROR" not in text
    raise SystemExit(f"unknown format {fmt}")


def vouch_verdicts(paths):
    exe = os.path.join(ROOT, "target", "release", "vouch")
    if not os.path.exists(exe):
        exe = os.path.join(ROOT, "target", "debug", "vouch")
    p = subprocess.run([exe, "inspect", "--format", "json", *paths], capture_output=True)
    if p.returncode not in (0, 1) or b"panicked" in p.stderr:
        raise SystemExit(f"vouch inspect failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
    out = {}
    for f in json.loads(p.stdout):
        if f.get("unsupported"):
            verdict = "unsupported"
        elif f.get("damage"):
            verdict = "damaged"
        elif f.get("repaired"):
            verdict = "repaired"
        else:
            verdict = "ok"
        out[f["path"]] = (verdict, f.get("damage") or f.get("repaired") or "")
    return out


def check(out):
    listed = rows()
    paths = [local(out, r) for r in listed]
    absent = [p for p in paths if not os.path.exists(p)]
    if absent:
        raise SystemExit(f"{len(absent)} files not extracted (run extract first): {absent[0]}")
    verdicts = vouch_verdicts(paths)
    failures, disagree = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for row, path in zip(listed, paths):
            verdict, said = verdicts[path]
            ref_ok = reference(row["format"], path, scratch)
            ours_ok = verdict in ("ok", "repaired")
            name = f"{row['repo']}:{row['path']}"
            if ours_ok != ref_ok:
                disagree += 1
                if not row["reason"]:
                    failures.append(f"{name}: vouch {verdict} ({said}), references "
                                    f"{'read it' if ref_ok else 'refuse it'}: unexplained")
            if verdict != row["expected"]:
                failures.append(f"{name}: vouch {verdict} ({said}), expected {row['expected']}")
    n = len(listed)
    print(f"{n} files; vouch and the references disagree on {disagree} "
          f"({100.0 * disagree / max(n, 1):.1f}%), each explained unless listed below")
    for f in failures:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("extract", "check"):
        raise SystemExit(__doc__)
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "target", "corpus")
    (extract if sys.argv[1] == "extract" else check)(out)


if __name__ == "__main__":
    main()
