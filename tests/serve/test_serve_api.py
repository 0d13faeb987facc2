"""classify serve: the article endpoints, model info, the page's files and the request limits."""

import codecs
import re

import pytest
from conftest import PORTAL_PAGE, SEEDS
from fastapi.testclient import TestClient
from serve_helpers import FieldsModel

from classify.errors import EmptyDocumentError
from classify.serve.app import STATIC, create_app

SEED = (SEEDS / "000_bb1379ce06b94f8d.txt").read_text(encoding="utf-8")
CLUTTER_ONLY = "banner\nicon\nimg\nTop\nXem với cỡ chữ : A- A A+\n"


@pytest.fixture(scope="module")
def client(default_model, tmp_path_factory):
    app = create_app(model=default_model, workdir=tmp_path_factory.mktemp("work"))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def fields_client(default_model, tmp_path_factory):
    app = create_app(model=FieldsModel(default_model), workdir=tmp_path_factory.mktemp("work"))
    with TestClient(app) as test_client:
        yield test_client


def test_predict_returns_the_label_record_of_the_cli(client, default_model):
    response = client.post("/api/predict", json={"text": PORTAL_PAGE, "sentences": 2})
    assert response.status_code == 200
    record = response.json()
    assert record == default_model.predict(PORTAL_PAGE, sentences=2).to_dict()
    assert len(record["summary"]) == 2 and "Mường Tè" in response.text  # UTF-8, no \u escapes
    assert {"event_abstained", "event_best_label", "topic_evidence"} <= set(record)


def test_predict_uses_a_given_title(client):
    record = client.post("/api/predict", json={"text": PORTAL_PAGE, "title": "Tiêu đề do người dùng đặt"}).json()
    assert record["title"] == "Tiêu đề do người dùng đặt"


def test_predict_passes_abstention_and_topic_evidence_through(fields_client):
    record = fields_client.post("/api/predict", json={"text": SEED}).json()
    assert record["event_abstained"] is True
    assert record["topics"] and set(record["topic_evidence"]) == set(record["topics"])
    assert all(sentence == record["summary"][0] for sentence in record["topic_evidence"].values())


@pytest.mark.parametrize("text", ["", "   \n\t ", CLUTTER_ONLY])
@pytest.mark.parametrize("endpoint", ["/api/predict", "/api/explain"])
def test_empty_or_clutter_only_text_is_422_with_the_cli_message(client, default_model, endpoint, text):
    with pytest.raises(EmptyDocumentError) as raised:
        default_model.predict(text)  # what `classify predict` prints after "classify: FILE: ..."
    response = client.post(endpoint, json={"text": text})
    assert response.status_code == 422
    assert response.json() == {"detail": str(raised.value)}


@pytest.mark.parametrize(
    "body", [{}, {"text": 12}, {"text": "Bài báo.", "sentences": 0}, {"text": "Bài báo.", "sentences": "ba"}]
)
def test_malformed_requests_are_422(client, body):
    response = client.post("/api/predict", json=body)
    assert response.status_code == 422 and isinstance(response.json()["detail"], list)


def test_explain_gives_the_prediction_paragraphs_and_ngrams(client, default_model):
    response = client.post("/api/explain", json={"text": SEED})
    assert response.status_code == 200
    body = response.json()
    assert body["prediction"] == default_model.predict(SEED).to_dict()
    event = body["prediction"]["event_type"]
    assert list(body["ngrams"]["event_type"]) == [event] and len(body["ngrams"]["event_type"][event]) == 8
    assert set(body["ngrams"]["topics"]) == set(body["prediction"]["topics"])
    # Every summary sentence is verbatim inside a paragraph: the page finds it to highlight it.
    for sentence in body["prediction"]["summary"]:
        assert any(sentence in paragraph for paragraph in body["paragraphs"])
    assert sum(r["selected"] for r in body["ranking"]) == len(body["prediction"]["summary"])


def test_read_turns_an_article_file_into_text_as_the_cli_reads_it(client):
    utf16 = codecs.BOM_UTF16_LE + PORTAL_PAGE.encode("utf-16-le")
    response = client.post("/api/read", files={"file": ("bài viết.txt", utf16)})
    assert response.status_code == 200
    assert response.json() == {"filename": "bài viết.txt", "text": PORTAL_PAGE, "title": None}
    page = (
        "<html><head><meta charset='windows-1258'><title>Cổng</title></head><body><nav>Trang chủ</nav>"
        "<h1>Khai trương truyền thanh</h1><p>Sáng 2/4, huyện khai trương hệ thống loa.</p></body></html>"
    )
    response = client.post("/api/read", files={"file": ("trang.html", page.encode("utf-8"))})
    body = response.json()
    assert body["title"] == "Khai trương truyền thanh"
    assert "Sáng 2/4, huyện khai trương hệ thống loa." in body["text"] and "Trang chủ" not in body["text"]


def test_read_refuses_binary_files_and_many_article_files_with_one_line(client):
    response = client.post("/api/read", files={"file": ("ảnh.txt", b"\x89PNG\r\n\x1a\n" + bytes(100))})
    assert (
        response.status_code == 422 and response.json()["detail"] == "ảnh.txt: this is a PNG image, not a text article"
    )
    response = client.post("/api/read", files={"file": ("xuat.jsonl", b'{"text": "a"}\n')})
    assert response.status_code == 415 and "Many articles" in response.json()["detail"]


def test_model_info_names_the_served_model_with_vietnamese_labels(client, default_model):
    info = client.get("/api/model").json()
    manifest = default_model.manifest
    assert info["name"] == "classify-default-v1.joblib" and info["sha256"] == manifest["sha256"][:12]
    assert info["created"] == manifest["created"] and info["cv_metrics"] == manifest["cv_metrics"]
    # On the page's scale: the event threshold as trained, every topic at 0.5 (its scores are rescaled).
    assert info["thresholds"]["event_type"] == manifest["thresholds"]["event_type"]
    assert info["thresholds"]["topics"] == dict.fromkeys(manifest["thresholds"]["topics"], 0.5)
    assert set(manifest["thresholds"]["topics"].values()) != {0.5}
    events = {item["label"]: item["name"] for item in info["labels"]["event_type"]}
    assert events["annual_review"] == "Tổng kết / sơ kết" and events["official_visit"] == "Thăm và làm việc"
    topics = {item["label"]: item["name"] for item in info["labels"]["topics"]}
    assert topics["digital_transformation"] == "Chuyển đổi số" and len(topics) == 6


def test_the_page_and_its_files_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(name).status_code == 200
    assert {"/static/app.js", "/static/style.css"} <= set(re.findall(r'"(/static/[^"]+)"', page.text))


def test_nothing_on_the_page_or_in_the_docs_comes_from_the_internet(client):
    for path in STATIC.iterdir():
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text(encoding="utf-8")), path.name
    docs = client.get("/docs").text
    scripts = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)['"]""", docs)
    assert scripts and all(url.startswith("/") for url in scripts), scripts
    assert all(client.get(url).status_code == 200 for url in scripts)
    schema = client.get("/openapi.json").json()
    assert {"/api/predict", "/api/explain", "/api/read", "/api/model", "/api/jobs", "/api/jobs/{job_id}"} <= set(
        schema["paths"]
    )
    assert "/api/jobs/{job_id}/result" in schema["paths"]


def test_bodies_over_the_limit_are_413_with_a_message(default_model, tmp_path):
    app = create_app(model=default_model, workdir=tmp_path / "work", max_upload=5_000)
    with TestClient(app) as small:
        body = ("x" * 6_000).encode()
        response = small.post("/api/jobs", files={"file": ("lớn.jsonl", body)})
        assert response.status_code == 413
        assert response.json()["detail"].startswith("an upload is limited to 0.005 MB; this one is")

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"y" * 1_000

        response = small.post(
            "/api/jobs", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"}
        )
        assert response.status_code == 413 and response.json() == {"detail": "an upload is limited to 0.005 MB"}
        assert not any((tmp_path / "work" / "jobs").iterdir())  # nothing was kept
        # Under the limit the same route works.
        response = small.post("/api/jobs", files={"file": ("nhỏ.jsonl", b'{"text": "Bai bao ngan."}\n')})
        assert response.status_code == 202
