"""Check corpus articles for near-duplicates and shared 12-word runs.

Usage: python scripts/check_corpus.py [--only PREFIX] [--seeds DIR] [--dev PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

RUN = 12
SHINGLE = 5
WORD = re.compile(r"\w+", re.UNICODE)


def body_words(text: str) -> list[str]:
    """Lowercased words of the lines that look like prose (>= 8 words)."""
    text = unicodedata.normalize("NFC", text)
    words: list[str] = []
    for line in text.splitlines():
        toks = WORD.findall(line.lower())
        if len(toks) >= 8:
            words.extend(toks)
    return words


def grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="report only pairs involving files with this prefix")
    ap.add_argument("--seeds", default=str(Path(__file__).resolve().parent.parent / "seeds"))
    ap.add_argument("--dev", default=str(Path(__file__).resolve().parents[2] / "shared/data/domain_dev.jsonl"))
    args = ap.parse_args()
    files = sorted(Path(args.seeds).glob("*.txt"))
    docs = {f.name: body_words(f.read_text(encoding="utf-8")) for f in files}
    runs = {k: grams(v, RUN) for k, v in docs.items()}
    shingles = {k: grams(v, SHINGLE) for k, v in docs.items()}
    problems = 0
    names = list(docs)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if args.only and not (a.startswith(args.only) or b.startswith(args.only)):
                continue
            common = runs[a] & runs[b]
            if common:
                problems += 1
                print(f"SHARED 12-word run: {a} ~ {b}: {' '.join(next(iter(common)))}")
            sa, sb = shingles[a], shingles[b]
            if sa and sb:
                jac = len(sa & sb) / len(sa | sb)
                if jac >= 0.5:
                    problems += 1
                    print(f"NEAR-DUPLICATE (5-gram Jaccard {jac:.2f}): {a} ~ {b}")
    dev = Path(args.dev)
    if dev.exists():
        for line in dev.open(encoding="utf-8"):
            rec = json.loads(line)
            dev_runs = grams(WORD.findall(unicodedata.normalize("NFC", rec["text"]).lower()), RUN)
            for name, r in runs.items():
                if args.only and not name.startswith(args.only):
                    continue
                if r & dev_runs:
                    problems += 1
                    print(f"SHARED 12-word run with domain_dev {rec['id']}: {name}")
    print(f"{len(files)} files checked, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
