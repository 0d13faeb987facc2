"""Labels on real pages nobody here wrote: models against the keyword floor, in one run (issue #29).

Usage:
    python scripts/bench_domain.py [--model PATH ...] [--shared ../shared/data]
                                   [--portal ~/.cache/classify-dev/portal_dev.jsonl]

For ``portal_dev`` (real provincial portal page openings; texts re-read once per machine into the
cache file, see ../shared/data/README.md) and ``domain_dev`` (national press, full articles), prints
event accuracy and macro-F1 (all pages, and without the ``ambiguous_event`` ones) and topic micro- and
macro-F1 (``topics_maybe`` ignored, and counted), for:

* each ``--model`` (default: the shipped model; give an older or ablated model file to compare),
* the keyword rules of ``scripts/keyword_rules.py`` (the floor),

and the difference of each model to the rules. Skips with one line when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from keyword_rules import keyword_labels  # noqa: E402

from classify.evaluate.metrics import field_metrics  # noqa: E402

CACHE = Path.home() / ".cache" / "classify-dev" / "portal_dev.jsonl"


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_sets(shared: Path, portal_cache: Path) -> dict[str, list[dict]]:
    """``{name: [record with text, event_type, topics, topics_maybe, ambiguous_event]}`` for the sets found."""
    sets = {}
    index = shared / "portal_dev_index.jsonl"
    if index.exists() and portal_cache.exists():
        texts = {r["id"]: r["text"] for r in _jsonl(portal_cache)}
        rows = [dict(r, text=texts[r["id"]]) for r in _jsonl(index) if r["id"] in texts]
        print(f"portal_dev: {len(rows)} of {len(_jsonl(index))} pages re-read ({portal_cache})")
        sets["portal_dev"] = rows
    else:
        print(f"portal_dev: skipped ({index} or {portal_cache} missing)")
    domain = shared / "domain_dev.jsonl"
    if domain.exists():
        sets["domain_dev"] = [dict(r, text=(r.get("title") or "") + "\n" + r["text"]) for r in _jsonl(domain)]
    else:
        print(f"domain_dev: skipped ({domain} missing)")
    return sets


def score(rows: list[dict], events: list[str], topics: list[list[str]]) -> dict[str, float]:
    """The figures of one system on one set."""
    truth_events = [r["event_type"] for r in rows]
    clear = [i for i, r in enumerate(rows) if not r.get("ambiguous_event")]
    all_events = field_metrics(truth_events, events, "single")
    clear_events = field_metrics([truth_events[i] for i in clear], [events[i] for i in clear], "single")
    truth_topics = [r["topics"] for r in rows]
    maybe = [r.get("topics_maybe") or [] for r in rows]
    ignored = field_metrics(truth_topics, topics, "multi", ignore=maybe)
    counted = field_metrics(truth_topics, topics, "multi")
    return {
        "event acc": all_events["accuracy"],
        "event macro-F1": all_events["macro"]["f1"],
        "event macro-F1 (clear)": clear_events["macro"]["f1"],
        "topic micro-F1": ignored["micro"]["f1"],
        "topic macro-F1": ignored["macro"]["f1"],
        "topic micro-F1 (maybe counted)": counted["micro"]["f1"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="model file (repeatable; default: the shipped model)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--portal", type=Path, default=CACHE)
    args = parser.parse_args()
    sets = load_sets(args.shared, args.portal)
    if not sets:
        print("no data: nothing to measure")
        return 0
    import classify

    models = {path: classify.load(path) for path in (args.model or [None])}
    for name, rows in sets.items():
        results = {}
        rules = [keyword_labels(r["text"]) for r in rows]
        results["keyword rules"] = score(rows, [e for e, _ in rules], [t for _, t in rules])
        for path, model in models.items():
            predictions = model.predict_many([r["text"] for r in rows])
            label = Path(path).name if path else "shipped model"
            results[label] = score(rows, [p.event_type for p in predictions], [p.topics for p in predictions])
        print(f"\n{name} ({len(rows)} pages)")
        columns = list(next(iter(results.values())))
        print(
            f"  {'system':<34}"
            + "".join(f"{c:>16}" for c in ["event acc", "ev macro", "ev clear", "top micro", "top macro", "top+maybe"])
        )
        floor = results["keyword rules"]
        for system, figures in results.items():
            print(f"  {system:<34}" + "".join(f"{figures[c]:>16.3f}" for c in columns))
            if system != "keyword rules":
                print(f"  {'  minus keyword rules':<34}" + "".join(f"{figures[c] - floor[c]:>+16.3f}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
