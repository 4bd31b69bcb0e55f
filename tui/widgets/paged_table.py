"""A DataTable that pages from the backend as the cursor nears the end.

It never holds more than the pages the operator has scrolled through: ``fetch(cursor)`` returns one
:class:`backends.models.Page`, and the next page is requested (in a worker) when the cursor comes
within ``threshold`` rows of the last loaded row. ``reload()`` fetches again as many rows as were
loaded and puts the cursor back on the same key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.message import Message
from textual.widgets import DataTable

from backends.models import Page

T = TypeVar("T")

Fetch = Callable[[str | None], Awaitable[Page[T]]]


class PagedTable(DataTable[Any], Generic[T]):
    class Loaded(Message):
        """Posted after every page or reload: how many rows are loaded, and whether more exist."""

        def __init__(self, table: PagedTable[Any], count: int, has_more: bool) -> None:
            super().__init__()
            self.table = table
            self.count = count
            self.has_more = has_more

        @property
        def control(self) -> PagedTable[Any]:
            return self.table

    def __init__(
        self,
        *,
        columns: Sequence[tuple[str, str]],
        to_row: Callable[[T], Sequence[Any]],
        row_key: Callable[[T], str],
        page_size: int = 50,
        threshold: int | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._columns_spec = columns
        self._to_row = to_row
        self._row_key = row_key
        self.page_size = page_size
        #: fetch the next page when the cursor is this close to the last loaded row
        self.threshold = threshold if threshold is not None else max(1, min(10, page_size // 4))
        self.items: list[T] = []
        self.next_cursor: str | None = None
        self.fetch: Fetch[T] | None = None
        self.fetching = False
        self.on_error: Callable[[BaseException], None] | None = None
        #: client-side sort of the loaded rows: (column key, reverse), or None for backend order
        self.sort_by: tuple[str, bool] | None = None

    def on_mount(self) -> None:
        for label, key in self._columns_spec:
            self.add_column(label, key=key, width=self.column_width(key))

    def column_width(self, key: str) -> int | None:
        """A fixed width for a column (``None``: as wide as its content)."""
        return None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None

    def current_item(self) -> T | None:
        if not self.items or self.cursor_row < 0 or self.cursor_row >= len(self.items):
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return next((i for i in self.items if self._row_key(i) == key), None)

    def start(self, fetch: Fetch[T]) -> None:
        """Show the first page of ``fetch`` (a new search, or the first load)."""
        self.fetch = fetch
        self._load(reset=True, keep=0)

    def reload(self) -> None:
        """Fetch the loaded rows again, keeping the cursor on the same row."""
        if self.fetch is not None:
            self._load(reset=True, keep=self.keep)

    def load_more(self) -> None:
        if self.fetch is not None and self.has_more and not self.fetching:
            self._load(reset=False, keep=0)

    def use(self, fetch: Fetch[T]) -> None:
        """Page from ``fetch`` from now on, without loading (a screen that loads several tables
        at once fills this one with :meth:`show_rows`)."""
        self.fetch = fetch

    async def fetch_rows(self, keep: int = 0) -> tuple[list[T], str | None]:
        """Pages of ``fetch`` from the start until ``keep`` rows (at least one page): the rows
        and the next cursor. Nothing is shown; :meth:`show_rows` shows them."""
        assert self.fetch is not None
        items: list[T] = []
        cursor: str | None = None
        while True:
            page = await self.fetch(cursor)
            items.extend(page.items)
            cursor = page.next_cursor
            if cursor is None or len(items) >= keep:
                return items, cursor

    @property
    def keep(self) -> int:
        """How many rows a reload fetches again: as many as are loaded."""
        return max(len(self.items), 1)

    def show_rows(self, items: list[T], cursor: str | None) -> None:
        """Replace the rows (the cursor stays on the same key) and post :class:`Loaded`."""
        current = self.current_item() if self.items else None
        cursor_key = self._row_key(current) if current is not None else None
        row = self.cursor_row
        self.clear()
        self.items = items
        self._add(items)
        self.next_cursor = cursor
        if cursor_key is not None:
            index = next((n for n, i in enumerate(items) if self._row_key(i) == cursor_key), row)
            self.move_cursor(row=min(index, max(len(items) - 1, 0)), animate=False)
        if self.sort_by is not None:
            self.apply_sort()
        self.post_message(self.Loaded(self, len(self.items), self.has_more))

    @work(group="paged-table", exclusive=True, exit_on_error=False)
    async def _load(self, *, reset: bool, keep: int) -> None:
        assert self.fetch is not None
        self.fetching = True
        self.loading = reset
        try:
            if reset:
                items, cursor = await self.fetch_rows(keep)
            else:
                page = await self.fetch(self.next_cursor)
                items = [*self.items, *page.items]
                cursor = page.next_cursor
        except Exception as exc:  # BackendError or a bug: report, keep what is shown
            if self.on_error is not None:
                self.on_error(exc)
            return
        finally:
            self.fetching = False
            self.loading = False
            self._take_focus()
        if reset:
            self.show_rows(items, cursor)
            return
        new = items[len(self.items) :]
        self.items = items
        self._add(new)
        self.next_cursor = cursor
        if self.sort_by is not None:
            self.apply_sort()
        self.post_message(self.Loaded(self, len(self.items), self.has_more))

    def _take_focus(self) -> None:
        """A loading table cannot take the focus, so on start Textual gives it to whatever it
        can (a hidden search field) and the operator's first keys go nowhere: once loaded, the
        table takes it back unless the operator has put it somewhere visible."""
        focused = self.screen.focused if self.is_attached else None
        if focused is None or not focused.display:
            self.focus()

    def apply_sort(self) -> None:
        """Sort the loaded rows by ``sort_by`` (backend order when None); the cursor stays put."""
        current = self.current_item()
        if self.sort_by is None:
            self.clear()
            self._add(self.items)
        else:
            column, reverse = self.sort_by
            self.sort(column, key=lambda value: str(value), reverse=reverse)
        if current is not None:
            self.move_cursor(row=self.get_row_index(self._row_key(current)), animate=False)

    def _add(self, items: Sequence[T]) -> None:
        for item in items:
            self.add_row(*self._to_row(item), key=self._row_key(item))

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.items) - self.threshold:
            self.load_more()
