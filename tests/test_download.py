"""Downloads against a real HTTP server on 127.0.0.1: cached, hash-checked, atomic, clear errors."""

import hashlib

import pytest
from conftest import free_port

from frameforecast import cli
from frameforecast.datasets import download
from frameforecast.datasets import moving_mnist as mm
from frameforecast.errors import UserError


def test_good_file_is_cached_and_not_fetched_twice(http_server, cache):
    base, root, requests = http_server
    (root / "data.bin").write_bytes(b"frame-forecast" * 100)
    digest = hashlib.sha256((root / "data.bin").read_bytes()).hexdigest()
    first = download.fetch(f"{base}/data.bin", "data.bin", digest)
    second = download.fetch(f"{base}/data.bin", "data.bin", digest)
    assert first == second and first.read_bytes() == (root / "data.bin").read_bytes()
    assert requests.count("/data.bin") == 1
    assert first.parent == cache / "datasets"


def test_wrong_hash_leaves_nothing_and_exits_2(http_server, cache, monkeypatch, capsys):
    base, root, _ = http_server
    (root / "mnist_test_seq.npy").write_bytes(b"not the real file")
    monkeypatch.setenv("FRAMEFORECAST_STANDARD_URL", f"{base}/mnist_test_seq.npy")
    assert cli.main(["data", "fetch", "moving-mnist-test"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "wrong sha256" in err[0] and "removed" in err[0]
    leftovers = [p for p in cache.rglob("*") if p.is_file()]
    assert leftovers == []


def test_server_down_names_url_and_offline_fallback(cache, monkeypatch, capsys):
    url = f"http://127.0.0.1:{free_port()}/mnist_test_seq.npy"
    monkeypatch.setenv("FRAMEFORECAST_STANDARD_URL", url)
    assert cli.main(["data", "fetch", "moving-mnist-test"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and url in err[0] and "--test-set generated" in err[0]
    assert [p for p in cache.rglob("*") if p.is_file()] == []


def test_fetch_raises_user_error_directly(cache):
    with pytest.raises(UserError, match="could not download"):
        download.fetch(f"http://127.0.0.1:{free_port()}/x.csv", "x.csv", None)


def test_standard_url_default_is_the_toronto_file(monkeypatch):
    monkeypatch.delenv("FRAMEFORECAST_STANDARD_URL", raising=False)
    assert mm.standard_url().endswith("/mnist_test_seq.npy") and "toronto" in mm.standard_url()
