"""The update queue between PTB's updater and the handler: a put returns once it was handled.

PTB's updater confirms updates by asking for the next batch with ``offset = last + 1`` right
after putting a batch into its queue, and its webhook answers Telegram right after the put.
Making the put wait until the engine has committed the update means Telegram only ever
learns "handled" for handled updates: after a crash the rest is delivered again, and the
engine, which deduplicates by message id, answers each of them once.
"""

from __future__ import annotations

import asyncio

from telegram import Update


class HandoffQueue(asyncio.Queue[object]):
    """An update queue whose ``put`` of an Update waits until :meth:`done` is called for it."""

    def __init__(self) -> None:
        super().__init__()
        self._waiting: dict[int, asyncio.Future[None]] = {}

    async def put(self, item: object) -> None:
        """Queue the item; for an Update, wait until the handler has finished with it."""
        if not isinstance(item, Update):
            # PTB's own stop signal and anything else pass straight through.
            await super().put(item)
            return
        future = asyncio.get_running_loop().create_future()
        self._waiting[id(item)] = future
        try:
            await super().put(item)
            await future
        finally:
            self._waiting.pop(id(item), None)

    def done(self, update: object) -> None:
        """Tell the waiting ``put`` that ``update`` has been handled."""
        future = self._waiting.get(id(update))
        if future is not None and not future.done():
            future.set_result(None)

    @property
    def in_hand(self) -> int:
        """How many updates were put and are not handled yet."""
        return len(self._waiting)
