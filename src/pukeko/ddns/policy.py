"""The server's DDNS decisions for one client (ARM "DDNS for DHCPv6", Kea 2.2 D2ClientMgr).

Family-neutral: the DHCPv4 Client FQDN option (RFC 4702) has the same N/O/S flags and the
same rules; only the option codec differs.

* **Updates enabled** (Kea ``DdnsParams::getEnableUpdates``): ``dhcp-ddns`` ``enable-updates``
  AND the subnet's ``ddns-send-updates``; no subnet: disabled.
* **Flags** (RFC 4704 §5 / RFC 4702 §3, Kea ``analyzeFqdn``), from the client's N and S:

  ===========  =====================================  ===================================
  client N S   updates enabled                        updates disabled
  ===========  =====================================  ===================================
  0 0          S = ddns-override-client-update, N = 0  S = 0, N = 1
  0 1          S = 1, N = 0                           S = 0, N = 1
  1 0          S = ddns-override-no-update, N = not S  S = 0, N = 1
  ===========  =====================================  ===================================

  O = 1 when the server's S differs from the client's. Forward update: S; reverse: not N.
* **Name** (Kea ``adjustDomainName``): empty when ``ddns-replace-client-name`` is ``always`` or
  ``when-present`` or the client sent none (to be generated from the address later);
  otherwise the client's name with each label scrubbed by ``hostname-char-set`` (replaced by
  ``hostname-char-replacement``), a partial name qualified with ``ddns-qualifying-suffix``.
* **Generated name** (Kea ``generateFqdn``): ``ddns-generated-prefix`` + ``-`` + the address
  with ``:`` (IPv6) or ``.`` (IPv4) replaced by ``-``, qualified with the suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pukeko.config.model import DdnsParams
from pukeko.ddns.names import InvalidName, Labels, name_text, parse_text_name, raw_text

REPLACE_NEVER = "never"
REPLACE_ALWAYS = "always"
REPLACE_WHEN_PRESENT = "when-present"
REPLACE_WHEN_NOT_PRESENT = "when-not-present"
# Modes that give a client without a Client FQDN option a server-generated name.
FABRICATING_MODES = frozenset({REPLACE_ALWAYS, REPLACE_WHEN_NOT_PRESENT})
# Modes that drop the name a client sent.
REPLACING_MODES = frozenset({REPLACE_ALWAYS, REPLACE_WHEN_PRESENT})


@dataclass(frozen=True, slots=True)
class DdnsPolicy:
    """The effective DDNS parameters for one client's subnet (Kea ``DdnsParams``)."""

    enable_updates: bool
    override_no_update: bool = False
    override_client_update: bool = False
    replace_client_name: str = REPLACE_NEVER
    generated_prefix: str = ""
    qualifying_suffix: str = ""
    update_on_renew: bool = False
    use_conflict_resolution: bool = True
    hostname_char_set: str = ""
    hostname_char_replacement: str = ""

    @property
    def fabricates(self) -> bool:
        """True when a client that sent no FQDN gets one (updates on, mode always/when-not)."""
        return self.enable_updates and self.replace_client_name in FABRICATING_MODES


# Kea's DdnsParams without a subnet: everything off, conflict resolution on.
NO_SUBNET = DdnsPolicy(False)


@lru_cache(maxsize=256)
def policy_for(params: DdnsParams, d2_enabled: bool) -> DdnsPolicy:
    """The policy of a subnet's DDNS parameters; ``d2_enabled``: dhcp-ddns enable-updates."""
    return DdnsPolicy(
        d2_enabled and params.send_updates,
        params.override_no_update,
        params.override_client_update,
        params.replace_client_name,
        params.generated_prefix,
        params.qualifying_suffix,
        params.update_on_renew,
        params.use_conflict_resolution,
        params.hostname_char_set,
        params.hostname_char_replacement,
    )


def server_flags(client_s: bool, client_n: bool, policy: DdnsPolicy) -> tuple[bool, bool, bool]:
    """The server's (S, N, O) flags for the client's S and N (Kea ``adjustFqdnFlags``)."""
    if client_n and client_s:
        raise ValueError("invalid client FQDN: N and S cannot both be 1")
    enabled = policy.enable_updates
    if client_n:  # RFC 4704 §5.3: the client wants no updates at all
        s = enabled and policy.override_no_update
        n = not s
    elif client_s:  # RFC 4704 §5.2: the client asks the server to update
        s = enabled
        n = not s
    elif enabled:  # RFC 4704 §5.1: the client updates AAAA itself
        s = policy.override_client_update
        n = False
    else:
        s, n = False, True
    return s, n, s != client_s


def update_directions(s: bool, n: bool) -> tuple[bool, bool]:
    """(forward, reverse) updates for the server's flags (Kea ``getUpdateDirections``)."""
    return s, not n


# POSIX bracket classes (Kea compiles hostname-char-set as a POSIX extended regex).
_POSIX_CLASSES = {
    "[:alnum:]": "A-Za-z0-9",
    "[:alpha:]": "A-Za-z",
    "[:blank:]": " \\t",
    "[:cntrl:]": "\\x00-\\x1f\\x7f",
    "[:digit:]": "0-9",
    "[:graph:]": "!-~",
    "[:lower:]": "a-z",
    "[:print:]": " -~",
    "[:punct:]": "!-/:-@\\[-`{-~",
    "[:space:]": " \\t\\n\\r\\f\\v",
    "[:upper:]": "A-Z",
    "[:xdigit:]": "0-9A-Fa-f",
}


@lru_cache(maxsize=64)
def _scrubber(char_set: str) -> re.Pattern[str]:
    pattern = char_set
    for posix, python in _POSIX_CLASSES.items():
        pattern = pattern.replace(posix, python)
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InvalidName(
            f"hostname-char-set '{char_set}' is not a valid regular expression: {exc}"
        ) from exc


def scrub(text: str, char_set: str, replacement: str) -> str:
    """Kea's ``StringSanitizer::scrub``: every match of ``char_set`` becomes ``replacement``."""
    if not char_set:
        return text
    return _scrubber(char_set).sub(lambda _match: replacement, text)


def sanitize_name(raw: str, char_set: str, replacement: str) -> str:
    """Scrub a name label by label (the dots survive whatever the char set says)."""
    if not char_set:
        return raw
    return ".".join(scrub(label, char_set, replacement) for label in raw.split("."))


def qualify_name(name: str, suffix: str, trailing_dot: bool) -> str:
    """Kea ``qualifyName``: ``name`` with ``suffix`` appended unless it already ends with it.

    "foo.barexample.com" does not end with the suffix "example.com" (label boundary), so the
    suffix is appended. ``trailing_dot`` adds or removes the final dot.
    """
    out = name
    if suffix and name:
        tail = suffix[:-1] if suffix.endswith(".") else suffix
        body = name[:-1] if name.endswith(".") else name
        present = body.endswith(tail)
        if present and len(body) > len(tail) and body[len(body) - len(tail) - 1] != ".":
            present = False  # the suffix is embedded in the last label
        if not present:
            if not out.endswith("."):
                out += "."
            out += suffix
    elif suffix:
        out = suffix
    if trailing_dot:
        if out and not out.endswith("."):
            out += "."
    elif out.endswith("."):
        out = out[:-1]
    return out


def generated_name(address_text: str, policy: DdnsPolicy, trailing_dot: bool = True) -> str:
    """Kea ``generateFqdn``: prefix-address (``:``/``.`` as ``-``), qualified with the suffix."""
    separator = ":" if ":" in address_text else "."
    host = address_text.replace(separator, "-")
    return qualify_name(f"{policy.generated_prefix}-{host}", policy.qualifying_suffix, trailing_dot)


_WHITESPACE = " \b\f\n\r\t"  # Kea isc::util::str::trim


def domain_labels(text: str, full: bool) -> Labels | None:
    """Kea ``setDomainName``: the trimmed text parsed (lowercased); "" is no name if partial."""
    name = text.strip(_WHITESPACE)
    if not name:
        if full:
            raise InvalidName("fully qualified domain-name must not be empty")
        return None
    return parse_text_name(name, downcase=True)


def adjusted_name(labels: Labels | None, full: bool, policy: DdnsPolicy) -> Labels | None:
    """The server's name for the client's (Kea ``adjustDomainName``); None: to be generated.

    A returned name is fully qualified. Raises :class:`InvalidName` when scrubbing leaves
    something that is not a name (an empty label, say); Kea then drops the message.
    """
    if labels is None or policy.replace_client_name in REPLACING_MODES:
        return None
    if policy.hostname_char_set:
        # Scrub the unescaped labels; the dots are kept whatever the char set matches.
        text = sanitize_name(
            raw_text(labels), policy.hostname_char_set, policy.hostname_char_replacement
        )
    else:
        text = name_text(labels, omit_final_dot=not full)
    if not full:
        text = qualify_name(text, policy.qualifying_suffix, trailing_dot=True)
    return domain_labels(text, full=True)
