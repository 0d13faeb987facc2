"""Check corpus articles for near-duplicates and copied 12-word runs.

Usage: python scripts/check_corpus.py [--only PREFIX] [--seeds DIR] [--dev PATH]

Articles are compared on their cleaned text (portal clutter removed, runs
never crossing a line). The five original seed pages (real portal pages given to the project) share
portal boilerplate and stock phrases with real data; they are listed in
ORIGINALS and exempt from the run checks. Every authored article must pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.corpus.overlap import article_words, near_duplicates, shared_runs, words  # noqa: E402

ORIGINALS = frozenset(
    {
        "000_bb1379ce06b94f8d.txt",
        "001_386e69e4c1171e84.txt",
        "002_bb3effc9b2b7e83d.txt",
        "003_de78d42dda2afc96.txt",
        "004_0de7f55a07b27bd3.txt",
    }
)


def find_problems(seeds: Path, dev: Path | None, only: str = "") -> list[str]:
    """Human-readable problems: shared 12-word runs and near-duplicate pairs."""
    docs = {p.name: article_words(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))}
    authored = {name: w for name, w in docs.items() if name not in ORIGINALS}
    references = []
    if dev is not None and dev.exists():
        for line in dev.open(encoding="utf-8"):
            record = json.loads(line)
            references.append((f"domain_dev:{record['id']}", words(record["text"])))
    problems = []
    for a, b, run in shared_runs(authored, 12, references):
        if not only or a.startswith(only) or b.startswith(only):
            problems.append(f"SHARED 12-word run: {a} ~ {b}: {run}")
    for a, b, score in near_duplicates(docs, 5, 0.5):
        if not only or a.startswith(only) or b.startswith(only):
            problems.append(f"NEAR-DUPLICATE (5-gram Jaccard {score:.2f}): {a} ~ {b}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="report only pairs involving files with this prefix")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "data" / "domain_dev.jsonl")
    args = parser.parse_args()
    problems = find_problems(args.seeds, args.dev, args.only)
    print("\n".join(problems))
    print(f"{len(list(args.seeds.glob('*.txt')))} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
