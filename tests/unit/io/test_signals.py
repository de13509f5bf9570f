import asyncio
import os
import signal

from pukeko.io.signals import install_signal_handlers


def test_hup_reloads_term_and_int_shut_down() -> None:
    seen: list[str] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        remove = install_signal_handlers(
            loop, lambda: seen.append("reload"), lambda signum: seen.append(f"stop {signum}")
        )
        try:
            for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
                os.kill(os.getpid(), signum)
                await asyncio.sleep(0.05)
        finally:
            remove()
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL

    asyncio.run(scenario())
    assert seen == ["reload", f"stop {int(signal.SIGTERM)}", f"stop {int(signal.SIGINT)}"]
