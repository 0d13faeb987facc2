import subprocess
import sys
from importlib import metadata

import pytest
from conftest import ROOT, SEEDS

import classify
from classify.text import normalize


def test_predict_on_a_seed_article():
    text = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")
    p = classify.predict(text)
    assert p.event_type == "annual_review"
    assert set(p.event_scores) == {"annual_review", "anniversary", "official_visit", "other"}
    assert abs(sum(p.event_scores.values()) - 1.0) < 1e-6
    assert set(p.topics) <= set(p.topic_scores) and "post_telecom" in p.topics
    assert p.title == "Sở TT&TT Quảng Ngãi triển khai nhiệm vụ năm 2015"
    assert p.date == "2015-01-28 09:18"
    assert 1 <= len(p.summary) <= 3 and all(s in normalize(text) for s in p.summary)
    assert all("Xem chi tiết" not in s for s in p.summary)


def test_installed_package_works_outside_the_repo(tmp_path):
    try:
        metadata.distribution("classify")
    except metadata.PackageNotFoundError:
        pytest.skip("classify is not pip-installed in this environment")
    code = (
        "import classify, pathlib, sys; p = classify.predict(sys.stdin.read()); "
        "print(pathlib.Path(classify.__file__).parent); print(p.event_type)"
    )
    seed = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=seed,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    package_dir, event = out.stdout.split()
    if package_dir.startswith(str(ROOT)):
        pytest.skip("editable install: the package is the checkout itself")
    assert event == "annual_review"
