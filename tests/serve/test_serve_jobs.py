"""classify serve: batch jobs through the API (uploads, progress, downloads, ids, retention, restarts)."""

import gzip
import io
import json
import os
import signal
import time
import zipfile
from urllib.parse import quote

import pytest
from conftest import PORTAL_PAGE
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from serve_helpers import POLL_LIMIT_SECONDS, seed_texts, wait_for_job, write_jsonl

import classify
from classify.batch.labelling import label_files
from classify.serve.app import create_app
from classify.serve.jobs import JobManager, WorkdirBusyError


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("work")


@pytest.fixture(scope="module")
def client(default_model, workdir):
    with TestClient(create_app(model=default_model, workdir=workdir)) as test_client:
        yield test_client


def _upload(client, name, content, **form):
    return client.post("/api/jobs", files={"file": (name, content)}, data=form)


def _job_folders(workdir):
    return sorted(p for p in (workdir / "jobs").iterdir() if p.is_dir())


def test_a_job_gives_the_records_and_files_of_classify_label(client, tmp_path, monkeypatch):
    source = write_jsonl(
        tmp_path / "bài.jsonl",
        5,
        extra=[{"id": "công-thức", "title": "=1+2", "text": PORTAL_PAGE}, {"id": "rỗng", "text": "  "}],
    )
    with open(source, "a", encoding="utf-8") as handle:
        handle.write("{không phải JSON}\n")
    response = _upload(client, "bài.jsonl", source.read_bytes())
    assert response.status_code == 202
    status = wait_for_job(client, response.json()["id"])
    assert status["status"] == "done", status
    assert (status["total"], status["done"], status["labelled"], status["errors"]) == (8, 8, 6, 2)
    assert [e["source"] for e in status["error_samples"]] == ["bài.jsonl:7", "bài.jsonl:8"]
    assert status["expires"] > status["finished"]
    # The same records and files as `classify label bài.jsonl -o ...` run beside the file.
    monkeypatch.chdir(tmp_path)
    for fmt, name in [("jsonl", "cli.jsonl"), ("csv", "cli.csv"), ("csv-excel", "cli-excel.csv"), ("tsv", "cli.tsv")]:
        label_files(["bài.jsonl"], name, fmt=fmt)
        download = client.get(f"/api/jobs/{status['id']}/result", params={"format": fmt})
        assert download.status_code == 200
        assert download.content == (tmp_path / name).read_bytes(), fmt
        assert f"''{quote('bài.labels.')}" in download.headers["content-disposition"]
    assert b"'=1+2" in (tmp_path / "cli-excel.csv").read_bytes()
    xlsx = client.get(f"/api/jobs/{status['id']}/result", params={"format": "xlsx"})
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())
    label_files(["bài.jsonl"], "cli.xlsx")
    cli_rows = list(load_workbook(tmp_path / "cli.xlsx").active.iter_rows())
    assert [[(c.value, c.data_type) for c in row] for row in rows] == [
        [(c.value, c.data_type) for c in row] for row in cli_rows
    ]
    title = next(row[2] for row in rows if row[0].value == "công-thức")  # the third column: title
    assert title.value == "=1+2" and title.data_type == "s"  # shown as text, never run as a formula


def test_a_zip_of_articles_is_unpacked_inside_the_job_only(client, workdir, tmp_path):
    (name_a, text_a), (name_b, text_b) = seed_texts(2)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("tin/01.txt", text_a)
        zipped.writestr("tin/02.html", f"<html><body><h1>Tiêu đề</h1><p>{text_b}</p></body></html>")
        zipped.writestr("../../thoát-ra.txt", PORTAL_PAGE)
        zipped.writestr("/tuyệt-đối.txt", PORTAL_PAGE)
        zipped.writestr("ảnh.png", b"\x89PNG\r\n\x1a\n")
        zipped.writestr("__MACOSX/tin/._01.txt", b"\x00\x05")
        zipped.writestr("tin/.DS_Store", b"\x00")
    status = wait_for_job(client, _upload(client, "Tin tháng 3.zip", archive.getvalue()).json()["id"])
    assert status["status"] == "done" and status["total"] == 4 and status["errors"] == 0, status
    records = [json.loads(line) for line in client.get(f"/api/jobs/{status['id']}/result").text.splitlines()]
    assert sorted(r["source"] for r in records) == [
        "Tin tháng 3/thoát-ra.txt",
        "Tin tháng 3/tin/01.txt",
        "Tin tháng 3/tin/02.html",
        "Tin tháng 3/tuyệt-đối.txt",
    ]
    found = list(workdir.parent.rglob("thoát-ra.txt"))
    assert found and all(path.parent.name == "Tin tháng 3" for path in found)


def test_a_compressed_csv_with_other_column_names(client):
    lines = ["ma;noi_dung"] + [f'{i};"{text}"' for i, (_, text) in enumerate(seed_texts(3))]
    content = gzip.compress("\n".join(lines).encode("utf-8"))
    response = _upload(client, "xuất.csv.gz", content, text_column="noi_dung", id_column="ma")
    status = wait_for_job(client, response.json()["id"])
    assert (status["status"], status["total"], status["errors"]) == ("done", 3, 0)
    records = [json.loads(line) for line in client.get(f"/api/jobs/{status['id']}/result").text.splitlines()]
    assert [r["id"] for r in records] == ["0", "1", "2"] and all(r["event_type"] for r in records)


def test_several_jobs_at_once_keep_their_own_records(client, tmp_path):
    ids = []
    for k in range(3):
        lines = [
            json.dumps({"id": f"việc{k}-{i}", "text": text}, ensure_ascii=False)
            for i, (_, text) in enumerate(seed_texts(2))
        ]
        ids.append(_upload(client, f"việc{k}.jsonl", "\n".join(lines).encode()).json()["id"])
    assert len(set(ids)) == 3
    for k, job_id in enumerate(ids):
        assert wait_for_job(client, job_id)["status"] == "done"
        records = [json.loads(line) for line in client.get(f"/api/jobs/{job_id}/result").text.splitlines()]
        assert [r["id"] for r in records] == [f"việc{k}-0", f"việc{k}-1"]


@pytest.mark.parametrize(
    "name, content, status, message",
    [
        ("báo cáo.pdf", b"%PDF-1.4", 415, "báo cáo.pdf: not a JSONL, CSV or TSV file"),
        ("bài.txt", "Một bài.".encode(), 415, "bài.txt: one article; paste it or drop it under 'One article'"),
        ("xuất.jsonl", b"%PDF-1.4\n%...", 422, "xuất.jsonl: this is a PDF document, not a JSONL"),
        ("xuất.zip", b"not a zip at all", 422, "xuất.zip: not a ZIP archive"),
        ("xuất.jsonl.gz", b'{"text": "a"}\n', 422, "xuất.jsonl.gz: not gzip-compressed"),
    ],
)
def test_a_bad_upload_is_one_line_and_leaves_nothing(client, workdir, name, content, status, message):
    before = _job_folders(workdir)
    response = _upload(client, name, content)
    assert response.status_code == status and response.json()["detail"].startswith(message), response.json()
    assert _job_folders(workdir) == before


def test_a_zip_without_articles_is_refused(client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("bảng.xlsx", b"PK")
    response = _upload(client, "tài liệu.zip", archive.getvalue())
    assert response.status_code == 422 and response.json()["detail"] == (
        "tài liệu.zip: the archive holds no .txt or .html article"
    )


def test_job_ids_are_random_and_never_paths(client, workdir):
    lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in seed_texts(1))
    ids = [_upload(client, "a.jsonl", lines.encode()).json()["id"] for _ in range(2)]
    assert ids[0] != ids[1] and all(len(job_id) >= 32 for job_id in ids)
    wait_for_job(client, ids[0]), wait_for_job(client, ids[1])
    for path in workdir.rglob("*"):
        assert not any(job_id in str(path) for job_id in ids)
        if path.is_file():
            assert not any(job_id.encode() in path.read_bytes() for job_id in ids), path
    folder = _job_folders(workdir)[0].name
    for bad in [folder, "..%2F..%2Fetc%2Fpasswd", "x" * 40, ids[0] + "x"]:
        assert client.get(f"/api/jobs/{bad}").status_code == 404
        assert client.get(f"/api/jobs/{bad}/result").status_code == 404
    assert client.get(f"/api/jobs/{ids[0]}/result", params={"format": "pdf"}).status_code == 422


def test_unknown_job_is_404_with_a_message(client):
    response = client.get("/api/jobs/khong-co")
    assert response.status_code == 404 and "finished more than 24 hours ago" in response.json()["detail"]


def test_waiting_jobs_have_no_result_and_a_restarted_server_runs_them(default_model, tmp_path):
    work = tmp_path / "work"
    source = write_jsonl(tmp_path / "chờ.jsonl", 3).read_bytes()
    with TestClient(create_app(model=default_model, workdir=work, max_running=0)) as first:
        job_id = _upload(first, "chờ.jsonl", source).json()["id"]
        status = first.get(f"/api/jobs/{job_id}").json()
        assert (status["status"], status["done"], status["total"]) == ("queued", 0, None)
        response = first.get(f"/api/jobs/{job_id}/result")
        assert (
            response.status_code == 409
            and response.json()["detail"] == "chờ.jsonl: no result to download (the job is queued)"
        )
        with pytest.raises(WorkdirBusyError, match="used by another classify serve"):
            JobManager(work, first.app.state.jobs.model_path).start()
    with TestClient(create_app(model=default_model, workdir=work)) as second:
        status = wait_for_job(second, job_id)
        assert (status["status"], status["total"], status["errors"]) == ("done", 3, 0)


def test_a_failed_job_says_why_and_has_no_result(default_model, tmp_path):
    work = tmp_path / "work"
    jobs = JobManager(work, classify.default_model_path(), max_unpacked_bytes=500)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("lớn.txt", PORTAL_PAGE)
    with TestClient(create_app(model=default_model, workdir=work, jobs=jobs)) as client:
        status = wait_for_job(client, _upload(client, "lớn.zip", archive.getvalue()).json()["id"])
        assert status["status"] == "failed"
        assert status["message"] == "lớn.zip: its articles unpack to more than 0 MB; split it into smaller archives"
        response = client.get(f"/api/jobs/{status['id']}/result", params={"format": "csv"})
        assert response.status_code == 409 and status["message"] in response.json()["detail"]


def test_finished_jobs_are_removed_after_the_retention_time(default_model, tmp_path):
    work = tmp_path / "work"
    with TestClient(create_app(model=default_model, workdir=work, retention_hours=1)) as client:
        lines = "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in seed_texts(1))
        job_id = _upload(client, "a.jsonl", lines.encode()).json()["id"]
        status = wait_for_job(client, job_id)
        jobs = client.app.state.jobs
        finished = jobs._get(job_id).spec["finished"]
        assert jobs.sweep(now=finished + 3599) == 0 and client.get(f"/api/jobs/{job_id}").status_code == 200
        assert jobs.sweep(now=finished + 3600) == 1
        assert client.get(f"/api/jobs/{job_id}").status_code == 404
        assert not list((work / "jobs").iterdir())
        assert status["expires"] is not None


def test_a_job_whose_worker_dies_resumes_once_from_its_checkpoint(default_model, tmp_path, monkeypatch):
    source = write_jsonl(tmp_path / "dài.jsonl", 400)
    with TestClient(create_app(model=default_model, workdir=tmp_path / "work")) as client:
        job_id = _upload(client, "dài.jsonl", source.read_bytes()).json()["id"]
        status = _wait_until_labelling(client, job_id)
        [pid] = client.app.state.jobs.running_pids()
        os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would
        # The page stays usable meanwhile.
        assert client.post("/api/predict", json={"text": PORTAL_PAGE}).status_code == 200
        status = wait_for_job(client, job_id)
        assert status["status"] == "done", status
        assert status["message"].startswith("the labelling process stopped (exit status -9); resumed")
        monkeypatch.chdir(tmp_path)
        label_files(["dài.jsonl"], "clean.jsonl")
        assert client.get(f"/api/jobs/{job_id}/result").content == (tmp_path / "clean.jsonl").read_bytes()


def _wait_until_labelling(client, job_id):
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] == "running" and status["phase"] == "labelling" and status["done"] > 0:
            assert status["done"] < status["total"], "the job finished before it could be interrupted"
            return status
        assert status["status"] in ("queued", "running") and time.monotonic() < deadline, status
        time.sleep(0.05)
