"""DDNS decisions: flags (RFC 4704 §5 / Kea analyzeFqdn), names, sanitizing, qualifying."""

from __future__ import annotations

import pytest

from pukeko.config.model import DdnsParams
from pukeko.ddns.names import InvalidName, name_text
from pukeko.ddns.policy import (
    NO_SUBNET,
    DdnsPolicy,
    adjusted_name,
    generated_name,
    policy_for,
    qualify_name,
    sanitize_name,
    scrub,
    server_flags,
    update_directions,
)

ON = DdnsPolicy(True)
OFF = DdnsPolicy(False)

# (client S, client N, policy) -> server (S, N, O)
FLAG_CASES = [
    (False, False, ON, (False, False, False)),
    (False, False, DdnsPolicy(True, override_client_update=True), (True, False, True)),
    (True, False, ON, (True, False, False)),
    (False, True, ON, (False, True, False)),
    (False, True, DdnsPolicy(True, override_no_update=True), (True, False, True)),
    (False, False, OFF, (False, True, False)),
    (True, False, OFF, (False, True, True)),
    (False, True, OFF, (False, True, False)),
    # the overrides do nothing while updates are off
    (False, True, DdnsPolicy(False, override_no_update=True), (False, True, False)),
    (False, False, DdnsPolicy(False, override_client_update=True), (False, True, False)),
]


@pytest.mark.parametrize(("s", "n", "policy", "expected"), FLAG_CASES)
def test_server_flags(s: bool, n: bool, policy: DdnsPolicy, expected: tuple[bool, ...]) -> None:
    assert server_flags(s, n, policy) == expected


def test_n_and_s_together_are_refused() -> None:
    with pytest.raises(ValueError):
        server_flags(True, True, ON)


def test_update_directions() -> None:
    assert update_directions(True, False) == (True, True)
    assert update_directions(False, False) == (False, True)  # client does AAAA, server PTR
    assert update_directions(False, True) == (False, False)


def _params(**kw: object) -> DdnsParams:
    base: dict[str, object] = dict(
        send_updates=True, override_no_update=False, override_client_update=False,
        replace_client_name="never", generated_prefix="myhost", qualifying_suffix="",
        update_on_renew=False, use_conflict_resolution=True,
        hostname_char_set="[^A-Za-z0-9.-]", hostname_char_replacement="",
    )  # fmt: skip
    base.update(kw)
    return DdnsParams(**base)  # type: ignore[arg-type]


def test_updates_need_both_enable_updates_and_send_updates() -> None:
    assert policy_for(_params(), True).enable_updates
    assert not policy_for(_params(), False).enable_updates
    assert not policy_for(_params(send_updates=False), True).enable_updates
    assert not NO_SUBNET.enable_updates and NO_SUBNET.use_conflict_resolution


@pytest.mark.parametrize(
    ("mode", "fabricates", "replaces"),
    [
        ("never", False, False),
        ("always", True, True),
        ("when-present", False, True),
        ("when-not-present", True, False),
    ],
)
def test_replace_client_name_modes(mode: str, fabricates: bool, replaces: bool) -> None:
    policy = policy_for(_params(replace_client_name=mode, qualifying_suffix="ex.org"), True)
    assert policy.fabricates is fabricates
    assert not policy_for(_params(replace_client_name=mode), False).fabricates
    got = adjusted_name((b"laptop",), False, policy)
    assert (got is None) is replaces
    if not replaces:
        assert got is not None and name_text(got) == "laptop.ex.org."
    assert adjusted_name(None, False, policy) is None  # nothing sent: generated later


def test_full_name_is_kept_and_partial_is_qualified() -> None:
    policy = DdnsPolicy(True, qualifying_suffix="example.com.")
    full = adjusted_name((b"host", b"other", b"org"), True, policy)
    assert full is not None and name_text(full) == "host.other.org."
    partial = adjusted_name((b"host", b"sub"), False, policy)
    assert partial is not None and name_text(partial) == "host.sub.example.com."


def test_sanitizing_works_label_by_label() -> None:
    policy = DdnsPolicy(True, hostname_char_set="[^a-z0-9-]", hostname_char_replacement="x")
    got = adjusted_name((b"my_host", b"ex$mple"), True, policy)
    assert got is not None and name_text(got) == "myxhost.exxmple."
    assert sanitize_name("a_b.c d.", "[^A-Za-z0-9.-]", "") == "ab.cd."
    assert scrub("abc", "", "x") == "abc"
    assert scrub("a1b2", "[[:digit:]]", "-") == "a-b-"


def test_sanitizing_to_an_empty_label_is_invalid() -> None:
    policy = DdnsPolicy(True, hostname_char_set="[^A-Za-z0-9.-]")
    with pytest.raises(InvalidName):
        adjusted_name((b"ok", b"___", b"com"), True, policy)


def test_bad_char_set_is_invalid_name() -> None:
    with pytest.raises(InvalidName):
        scrub("abc", "[", "")


@pytest.mark.parametrize(
    ("name", "suffix", "dot", "expected"),
    [
        ("host", "example.com", True, "host.example.com."),
        ("host", "example.com", False, "host.example.com"),
        ("host.example.com", "example.com", True, "host.example.com."),
        ("host.example.com.", "example.com.", False, "host.example.com"),
        ("foo.barexample.com", "example.com", True, "foo.barexample.com.example.com."),
        ("host.", "example.com", True, "host.example.com."),
        ("host", "", True, "host."),
        ("host.", "", False, "host"),
    ],
)
def test_qualify_name(name: str, suffix: str, dot: bool, expected: str) -> None:
    assert qualify_name(name, suffix, dot) == expected


def test_generated_names() -> None:
    policy = DdnsPolicy(True, generated_prefix="myhost", qualifying_suffix="example.com")
    assert generated_name("2001:db8:1::10", policy) == "myhost-2001-db8-1--10.example.com."
    assert generated_name("192.0.2.1", policy, False) == "myhost-192-0-2-1.example.com"
    assert generated_name("2001:db8::1", DdnsPolicy(True, generated_prefix="h")) == (
        "h-2001-db8--1."
    )
