"""scripts/dev_active_pages.py keeps its development pages apart from the benchmark's."""

import json
from pathlib import Path

from script_loader import load_script


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_benchmark_page_is_refused_and_a_page_read_twice_counts_once(tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    _jsonl(shared / "portal_dev_index.jsonl", [{"id": "portal001", "url": "https://tinh.gov.vn/tin/1/"}])
    page = {"text": "Sở TT&TT tổng kết năm.", "event_type": "annual_review", "topics": ["it_egov"]}
    pages = _jsonl(
        tmp_path / "rev.jsonl",
        [
            dict(page, id="rev-001", url="http://tinh.gov.vn/tin/1"),  # the benchmark's page, other scheme
            dict(page, id="rev-002", url="https://bao.vn/a", unsure_topics=["press_publishing"]),
            dict(page, id="rev-003", url="https://bao.vn/a/"),  # the same page again
        ],
    )
    sets = load_script("dev_active_pages").load_pages([pages], shared)
    assert [r["id"] for r in sets["rev"]] == ["rev-002"]
    assert sets["rev"][0]["topics_maybe"] == ["press_publishing"]
    assert "1 pages from 1 files; 1 refused as benchmark pages" in capsys.readouterr().out
