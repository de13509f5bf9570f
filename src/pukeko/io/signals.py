"""Process signals onto the event loop: SIGHUP reloads, SIGTERM and SIGINT shut down (Kea's)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

RELOAD_SIGNALS = (signal.SIGHUP,)
SHUTDOWN_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_signal_handlers(
    loop: asyncio.AbstractEventLoop,
    on_reload: Callable[[], None],
    on_shutdown: Callable[[int], None],
) -> Callable[[], None]:
    """Route SIGHUP to ``on_reload`` and SIGTERM/SIGINT to ``on_shutdown(signum)``.

    The callbacks run on the loop (never inside the signal handler); returns a function that
    removes the handlers again.
    """
    for signum in RELOAD_SIGNALS:
        loop.add_signal_handler(signum, on_reload)
    for signum in SHUTDOWN_SIGNALS:
        loop.add_signal_handler(signum, on_shutdown, signum)

    def remove() -> None:
        for signum in RELOAD_SIGNALS + SHUTDOWN_SIGNALS:
            loop.remove_signal_handler(signum)

    return remove
