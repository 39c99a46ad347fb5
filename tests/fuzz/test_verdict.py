"""The fuzzer's own checks: they must catch what they claim to catch, and pass what is fine."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from multichannel.v1 import app_pb2, order_pb2
from tests.fuzz.calls import CLIENT_TIMEOUT, Outcome
from tests.fuzz.descriptors import discover_rpcs, field_paths
from tests.fuzz.messages import strings_of
from tests.fuzz.verdict import ECHO_LIMIT, leaks, longest_echo, problems

SECRET = "ROW_verysecretaccesstoken_0123456789"


def _problems(outcome: Outcome, inputs: list[str] = [], streaming: bool = False) -> list[str]:  # noqa: B006
    return problems(outcome, inputs, [SECRET], streaming=streaming)


def test_a_refusal_naming_the_field_is_fine() -> None:
    outcome = Outcome("INVALID_ARGUMENT", "name: 'apps/x/y' is not a name of the form apps/{app}")
    assert _problems(outcome, ["apps/x/y"]) == []


def test_internal_unknown_and_data_loss_fail() -> None:
    for code in ("INTERNAL", "UNKNOWN", "DATA_LOSS"):
        assert _problems(Outcome(code, "internal error (correlation id 1)")) == [f"status {code}"]


def test_a_deadline_on_a_unary_call_is_a_hang() -> None:
    assert _problems(Outcome("DEADLINE_EXCEEDED"))[0].startswith("hang")
    assert _problems(Outcome(CLIENT_TIMEOUT))[0].startswith("hang")


def test_a_stream_that_sent_something_before_its_deadline_is_alive() -> None:
    assert _problems(Outcome("DEADLINE_EXCEEDED", responses=[b"\x0a\x00"]), streaming=True) == []
    assert _problems(Outcome("DEADLINE_EXCEEDED"), streaming=True)[0].startswith("hang")


def test_a_secret_anywhere_in_the_answer_fails() -> None:
    assert _problems(Outcome("INVALID_ARGUMENT", f"token {SECRET} expired"))
    assert _problems(Outcome("INVALID_ARGUMENT", "x", detail_texts=[f"meta {SECRET}"]))
    assert _problems(Outcome("OK", responses=[SECRET.encode()]))


def test_credential_shaped_text_in_a_message_fails_unless_the_caller_sent_it() -> None:
    key = "mcc_live_0123456789abcdefghij"
    assert _problems(Outcome("UNAUTHENTICATED", f"key {key} was revoked"))
    assert _problems(Outcome("INVALID_ARGUMENT", "header was Bearer abcdefgh12345678"))
    assert _problems(Outcome("INVALID_ARGUMENT", f"name: {key!r} is not a name"), [key]) == []
    assert _problems(Outcome("OK", responses=[key.encode()])) == []


def test_traces_and_exception_names_fail_unless_the_caller_sent_them() -> None:
    assert leaks(["Traceback (most recent call last):"], [])
    assert leaks(["ValueError: bad"], [])
    assert leaks(["(psycopg.errors.DataError) A string literal cannot contain NUL"], [])
    assert leaks(["display_name: 'ValueError' is not allowed"], ["ValueError"]) == []
    assert leaks(["an error occurred; Error: see the field"], []) == []


def test_an_echo_is_measured_up_to_the_limit() -> None:
    sent = "x" * 10 + "".join(chr(0x41 + i % 26) for i in range(5_000))
    assert longest_echo([f"name: {sent[:ECHO_LIMIT]!r} is bad"], [sent]) == 0
    assert longest_echo([f"name: {sent[: ECHO_LIMIT + 1]!r} is bad"], [sent]) == ECHO_LIMIT + 1
    assert longest_echo([f"name: {sent!r}"], [sent]) == len(sent)


def test_an_input_quoted_with_escapes_is_an_echo_too() -> None:
    sent = "\x00" * 1_000
    outcome = Outcome("INVALID_ARGUMENT", f"name: {sent!r} is not a name")
    assert any("echoes" in problem for problem in _problems(outcome, [sent]))


@given(st.text(min_size=ECHO_LIMIT + 1, max_size=600), st.text(max_size=50), st.text(max_size=50))
def test_any_echo_longer_than_the_limit_is_found(sent: str, before: str, after: str) -> None:
    assert longest_echo([before + sent + after], [sent]) >= len(sent)


def test_an_answer_over_the_clients_metadata_limit_fails() -> None:
    outcome = Outcome("RESOURCE_EXHAUSTED", "received metadata size exceeds hard limit (1048621 vs. 16384)")
    assert _problems(outcome)


def test_strings_of_reaches_nested_repeated_and_map_fields() -> None:
    request = app_pb2.UpdateAppRequest(
        app=app_pb2.App(name="apps/a", settings=app_pb2.AppSettings(shopline_location_ids=["l1"]))
    )
    request.update_mask.paths.append("settings.shopline_location_ids")
    completion = app_pb2.CompleteInstallationRequest(other_parameters={"k": "v"})
    assert set(strings_of(request)) == {"apps/a", "l1", "settings.shopline_location_ids"}
    assert set(strings_of(completion)) == {"k", "v"}


def test_every_rpc_has_a_request_whose_fields_can_be_mutated() -> None:
    rpcs = discover_rpcs()
    assert any(rpc.server_streaming for rpc in rpcs)
    for rpc in rpcs:
        assert list(field_paths(rpc.request_descriptor)), rpc.id
    paths = {".".join(f.name for f in path) for path in field_paths(order_pb2.ListOrdersRequest.DESCRIPTOR)}
    assert {"create_start_time", "statuses", "page_token"} <= paths
