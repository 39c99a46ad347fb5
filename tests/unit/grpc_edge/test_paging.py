"""Page tokens are opaque and tamper-evident; page sizes follow AIP-158."""

from __future__ import annotations

import pytest

from adapters.grpc.paging import MAX_PAGE_SIZE, PageTokenCodec, fingerprint, page_size
from domain.errors import InvalidArgument

codec = PageTokenCodec(b"k" * 32)


def test_round_trip() -> None:
    token = codec.encode("cursor-1", fingerprint="f")
    assert token and "cursor-1" not in token
    assert codec.decode(token, fingerprint="f") == "cursor-1"


def test_last_page_has_an_empty_token() -> None:
    assert codec.encode(None, fingerprint="f") == ""
    assert codec.decode("", fingerprint="f") is None


def test_tampered_token_is_invalid_argument() -> None:
    token = codec.encode("cursor-1", fingerprint="f")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(InvalidArgument) as caught:
        codec.decode(tampered, fingerprint="f")
    assert caught.value.field == "page_token"


def test_token_from_another_key_is_rejected() -> None:
    token = PageTokenCodec(b"x" * 32).encode("c", fingerprint="f")
    with pytest.raises(InvalidArgument):
        codec.decode(token, fingerprint="f")


def test_changed_parameters_between_pages_are_rejected() -> None:
    token = codec.encode("c", fingerprint=fingerprint("apps/a", "ACTIVE"))
    with pytest.raises(InvalidArgument) as caught:
        codec.decode(token, fingerprint=fingerprint("apps/a", "DEAUTHORIZED"))
    assert "different parameters" in caught.value.description


@pytest.mark.parametrize("garbage", ["%%%", "abc", "!" * 40])
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(InvalidArgument):
        codec.decode(garbage, fingerprint="f")


def test_page_size_rules() -> None:
    assert page_size(0) == 50
    assert page_size(7) == 7
    assert page_size(10_000) == MAX_PAGE_SIZE
    with pytest.raises(InvalidArgument) as caught:
        page_size(-1)
    assert caught.value.field == "page_size"
