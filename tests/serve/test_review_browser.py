"""The review queue and retraining in a real headless Chromium: keys, clicks, and the lines they write."""

import json

import pytest
from conftest import SEEDS
from learning_articles import BORDERLINE_VISIT, CLEAR_GREETING, CLEAR_REVIEW, write_articles
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_serve_browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, LiveServer, _open, _severe, _wait

import classify
from classify.serve.app import create_app

pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed")

RETRAIN_SECONDS = 600  # a bound so a broken retraining fails the test instead of hanging it


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """Headless Chromium, as test_serve_browser.py starts it."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, "--window-size=1280,900"]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def tiny_seeds(tmp_path_factory):
    """Every twentieth seed article: the shipped corpus of the retraining, small enough to train in seconds."""
    folder = tmp_path_factory.mktemp("seeds")
    lines = (SEEDS / "labels.jsonl").read_text(encoding="utf-8").splitlines()[::20]
    for line in lines:
        name = json.loads(line)["file"]
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    (folder / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _labels(workdir):
    path = workdir / "corrections" / "labels.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _selected(browser, box):
    return [b.get_attribute("data-label") for b in browser.find_elements(By.CSS_SELECTOR, f"#{box} .choice.selected")]


def test_confirm_an_article_in_the_review_queue_then_retrain_and_accept(chromium, default_model, tiny_seeds, tmp_path):
    browser = chromium
    workdir = tmp_path / "work"
    live = LiveServer(create_app(model=default_model, workdir=workdir, seeds=tiny_seeds, retrain_folds=2))
    try:
        articles = write_articles(
            tmp_path / "moi.jsonl", {"a": CLEAR_GREETING, "b": CLEAR_REVIEW, "c": BORDERLINE_VISIT}
        )
        suggested = tmp_path / "to_label.jsonl"
        classify.suggest([str(articles)], n=3, model=default_model, output=str(suggested))
        _open(browser, live.url)
        browser.find_element(By.ID, "tab-review").click()
        browser.find_element(By.ID, "review-file").send_keys(str(suggested))
        browser.find_element(By.ID, "review-upload").click()
        _wait(browser, lambda d: d.find_element(By.ID, "review-title").is_displayed())
        predicted = default_model.predict(BORDERLINE_VISIT)
        assert browser.find_element(By.ID, "review-title").text == predicted.title
        assert browser.find_element(By.ID, "review-progress-text").text == "0 / 3 bài đã duyệt"
        why = json.loads(suggested.read_text(encoding="utf-8").splitlines()[0])["why"]
        assert "official_visit" in why and why in browser.find_element(By.ID, "review-why").text
        # The model's labels come pre-filled; the summary is highlighted in the article.
        assert _selected(browser, "review-events") == [predicted.event_type]
        assert _selected(browser, "review-topics") == predicted.topics
        summary = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#review-article mark.summary")]
        assert summary == predicted.summary
        # Correct it with keys: 2 = the second event type (annual_review), A toggles the first topic.
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys("2")
        body.send_keys("a")
        browser.find_element(By.CSS_SELECTOR, '#review-topics .choice[data-label="post_telecom"]').click()
        expected_topics = sorted(set(predicted.topics) ^ {"broadcasting", "post_telecom"})
        assert _selected(browser, "review-events") == ["annual_review"]
        assert sorted(_selected(browser, "review-topics")) == expected_topics
        # Unsure of two topics: Shift+C (the third) and the "?" of information security; Shift+C again takes it back.
        topics = [
            b.get_attribute("data-label") for b in browser.find_elements(By.CSS_SELECTOR, "#review-topics .choice")
        ]
        body.send_keys(Keys.SHIFT, "c")
        body.send_keys(Keys.SHIFT, "d")
        body.send_keys(Keys.SHIFT, "c")
        browser.find_element(By.CSS_SELECTOR, '#review-topics .unsure-toggle[data-label="info_security"]').click()
        unsure = sorted({topics[3], "info_security"})
        expected_topics = sorted(set(expected_topics) - set(unsure))
        marked = browser.find_elements(By.CSS_SELECTOR, '#review-topics .choice[aria-pressed="mixed"]')
        assert sorted(b.get_attribute("data-label") for b in marked) == unsure
        assert sorted(_selected(browser, "review-topics")) == expected_topics
        body.send_keys(Keys.ENTER)
        _wait(browser, lambda d: d.find_element(By.ID, "review-progress-text").text == "1 / 3 bài đã duyệt")
        [line] = _labels(workdir)
        assert (line["id"], line["event_type"], line["topics"]) == ("c", "annual_review", expected_topics)
        assert line["topics_maybe"] == unsure
        assert (workdir / "corrections" / line["file"]).read_text(encoding="utf-8") == BORDERLINE_VISIT
        # Undo (Z) takes the line back out; the article comes back, pre-filled again.
        body.send_keys("z")
        _wait(browser, lambda d: d.find_element(By.ID, "review-progress-text").text == "0 / 3 bài đã duyệt")
        assert _labels(workdir) == [] and _selected(browser, "review-events") == [predicted.event_type]
        browser.find_element(By.CSS_SELECTOR, '#review-events .choice[data-label="annual_review"]').click()
        browser.find_element(By.ID, "review-save").click()
        _wait(browser, lambda d: d.find_element(By.ID, "review-progress-text").text == "1 / 3 bài đã duyệt")
        assert [(r["id"], r["event_type"]) for r in _labels(workdir)] == [("c", "annual_review")]
        browser.find_element(By.ID, "review-skip").click()
        _wait(browser, lambda d: "1 bỏ qua" in d.find_element(By.ID, "review-progress-text").text)

        # Retrain on the small corpus plus the correction, compare, accept.
        browser.find_element(By.ID, "tab-model").click()
        _wait(browser, lambda d: d.find_element(By.ID, "retrain").is_enabled())
        assert "1 bài trong kho nhãn đã sửa" in browser.find_element(By.ID, "retrain-corpus").text
        browser.find_element(By.ID, "retrain").click()
        _wait(browser, lambda d: d.find_element(By.ID, "retrain-status").text.startswith("Đang chạy"))
        _wait(browser, lambda d: d.find_elements(By.ID, "accept-model"), seconds=RETRAIN_SECONDS)
        compare = browser.find_element(By.CSS_SELECTOR, "#retrain-compare table").text
        assert "Chủ đề: micro-F1" in compare and "Đang dùng (classify-default-v1.joblib)" in compare
        assert browser.find_element(By.ID, "model-facts").text.count("classify-default-v1.joblib") == 1
        browser.find_element(By.ID, "accept-model").click()
        _wait(browser, lambda d: "retrained-" in d.find_element(By.ID, "model-facts").text)
        assert browser.find_element(By.CSS_SELECTOR, '#models tr[data-id="original"] .use-model').text == "Dùng lại"
        assert _severe(browser) == []
    finally:
        live.stop()
