"""The page in a real headless Chromium (Debian's chromium + chromedriver, driven by selenium).

.ci/run installs both when they are missing, so this runs in CI; it skips only
on a machine where they are not installed.
"""

import shutil
import threading
import time

import pytest
import uvicorn
from conftest import SEEDS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from serve_helpers import POLL_LIMIT_SECONDS, FieldsModel, write_jsonl

from classify.serve.app import create_app
from classify.serve.run import listen

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
).split()
SEED = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium and chromedriver are not installed (apt-get install chromium chromium-driver, as .ci/run does)",
)


class LiveServer:
    """The application under uvicorn in a thread, on a free loopback port."""

    def __init__(self, app) -> None:
        sock = listen("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + POLL_LIMIT_SECONDS
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive()
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


@pytest.fixture(scope="module")
def server(default_model, tmp_path_factory):
    live = LiveServer(create_app(model=default_model, workdir=tmp_path_factory.mktemp("work")))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


def _wait(driver, condition, seconds=POLL_LIMIT_SECONDS):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)


def _open(driver, url):
    driver.get(url)
    _wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def _analyse(driver, text):
    driver.execute_script("document.getElementById('text').value = arguments[0];", text)
    driver.find_element(By.ID, "analyse").click()
    _wait(
        driver,
        lambda d: d.find_element(By.ID, "result").is_displayed() and d.find_elements(By.CSS_SELECTOR, ".ngram-group"),
    )


def _severe(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_one_article_then_a_batch_job_with_its_csv_download(server, browser, downloads, tmp_path, default_model):
    _open(browser, server.url)
    _analyse(browser, SEED)
    expected = default_model.predict(SEED).to_dict()
    assert (
        browser.find_element(By.ID, "event-label").text
        == "Tổng kết / sơ kết"
        == {"annual_review": "Tổng kết / sơ kết"}.get(expected["event_type"])
    )
    shown_topics = [
        li.find_element(By.TAG_NAME, "strong").text for li in browser.find_elements(By.CSS_SELECTOR, "#topic-labels li")
    ]
    assert "Báo chí – Xuất bản" in shown_topics and len(shown_topics) == len(expected["topics"])
    marked = [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, "#article mark.summary")]
    assert marked == expected["summary"]  # each summary sentence highlighted in the article, in order
    assert not browser.find_element(By.ID, "event-uncertain").is_displayed()
    # A threshold mark on every probability bar (the model's thresholds).
    assert len(browser.find_elements(By.CSS_SELECTOR, ".bar .threshold")) == 4 + 6
    assert (
        browser.find_element(
            By.CSS_SELECTOR, '#topic-bars .bar[data-label="press_publishing"] .threshold'
        ).get_attribute("style")
        == "left: 50%;"  # topic scores are rescaled so that every topic's threshold is 0.5
    )
    ngrams = browser.find_element(By.CSS_SELECTOR, '.ngram-group[data-field="event_type"]').text
    assert "Loại sự kiện: Tổng kết / sơ kết" in ngrams and "lead:hội nghị" in ngrams

    source = write_jsonl(tmp_path / "tin-tháng-3.jsonl", 3, extra=[{"id": "rỗng", "text": ""}])
    browser.find_element(By.ID, "tab-many").click()
    browser.find_element(By.ID, "job-file").send_keys(str(source))
    browser.find_element(By.ID, "upload").click()
    job = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.job[data-status=done]"))[0]
    assert "4 / 4 bài · 1 lỗi" in job.text and "tin-tháng-3.jsonl:4: no article text" in job.text
    job.find_element(By.CSS_SELECTOR, 'a[data-format="csv-excel"]').click()
    downloaded = _wait(browser, lambda d: [p for p in downloads.glob("*.csv") if p.stat().st_size])[0]
    assert downloaded.name == "tin-tháng-3.labels.csv"
    rows = downloaded.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("id,source,title,date,event_type") and any(row.startswith("bài-2,") for row in rows)
    # The job list survives a reload (the ids are kept in the browser).
    _open(browser, server.url)
    browser.find_element(By.ID, "tab-many").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "li.job[data-status=done]"))
    assert _severe(browser) == []


def test_the_uncertain_mark_and_topic_evidence_when_the_model_gives_them(default_model, browser, tmp_path):
    live = LiveServer(create_app(model=FieldsModel(default_model), workdir=tmp_path / "work"))
    try:
        _open(browser, live.url)
        _analyse(browser, SEED)
        uncertain = browser.find_element(By.ID, "event-uncertain")
        assert uncertain.is_displayed() and uncertain.text.startswith("Không chắc chắn")
        summary = default_model.predict(SEED).summary
        evidence = browser.find_elements(By.CSS_SELECTOR, "#article mark.evidence")
        assert [mark.text for mark in evidence] == [summary[0]]  # the fake model's evidence sentence
        tag = browser.find_element(By.CSS_SELECTOR, "#article .evidence-tag").text
        assert "Báo chí – Xuất bản" in tag and "Phát thanh – Truyền hình" in tag
        quotes = browser.find_elements(By.CSS_SELECTOR, "#topic-labels q.evidence-quote")
        assert quotes and all(q.text.strip('“”"') == summary[0] for q in quotes)
        assert _severe(browser) == []
    finally:
        live.stop()


def test_the_api_documentation_works_offline(server, browser):
    browser.get(f"{server.url}/docs")
    title = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .info .title"))[0]
    assert title.text.startswith("classify")
    assert "/api/predict" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui").text
    assert _severe(browser) == []


def test_a_bad_upload_shows_its_one_line_message(server, browser, tmp_path):
    _open(browser, server.url)
    browser.find_element(By.ID, "tab-many").click()
    jobs_before = len(browser.find_elements(By.CSS_SELECTOR, "li.job"))
    bad = tmp_path / "báo cáo.jsonl"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(64))
    browser.find_element(By.ID, "job-file").send_keys(str(bad))
    browser.find_element(By.ID, "upload").click()
    message = _wait(
        browser,
        lambda d: d.find_element(By.ID, "many-message").is_displayed() and d.find_element(By.ID, "many-message"),
    )
    assert message.text.startswith("báo cáo.jsonl: this is a PDF document")
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.job")) == jobs_before
    # The browser reports the refused request itself; nothing else went wrong.
    assert [e for e in _severe(browser) if "status of 422" not in e["message"]] == []
