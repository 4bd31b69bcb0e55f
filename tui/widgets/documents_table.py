"""Invoices and credit memos in one paged table (``BillingDocument`` rows from
``list_documents``): the Documents screen's list and the account screen's two sections.

``columns`` picks which of :data:`COLUMNS` show (the account screen leaves out type and account;
below 100 columns the Documents screen leaves out the type, which the number's prefix says, and
the balance). With ``markable`` the first column shows the marks of a bulk post (``marks``: ids
of the invoices marked); :meth:`set_mark` redraws one row's mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from backends.models import BillingDocument, DocumentType
from tui.format import day, money, status, text_or_dash
from tui.widgets.paged_table import PagedTable

__all__ = ["ALL_KEYS", "COLUMNS", "MARK", "DocumentsTable", "document_kind", "document_label"]

MARK = Text("●", style="bold magenta")

#: every column a documents table can show: (label, key)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("", "mark"),
    ("Type", "type"),
    ("Number", "number"),
    ("Status", "status"),
    ("Date", "date"),
    ("Account", "account"),
    ("Amount", "amount"),
    ("Balance", "balance"),
)

#: every column's key, in order
ALL_KEYS = tuple(key for _, key in COLUMNS)

_TYPE_LABEL = {DocumentType.INVOICE: "Invoice", DocumentType.CREDIT_MEMO: "Credit memo"}


def document_kind(doc: BillingDocument) -> str:
    """The ``open_object`` kind of a row: ``invoice`` or ``credit_memo``."""
    return "invoice" if doc.document_type is DocumentType.INVOICE else "credit_memo"


def document_label(doc: BillingDocument) -> str:
    return _TYPE_LABEL[doc.document_type].lower()


class DocumentsTable(PagedTable[BillingDocument]):
    def __init__(
        self,
        *,
        columns: Sequence[str] = ALL_KEYS,
        page_size: int = 50,
        id: str | None = None,
    ) -> None:
        shown = tuple((label, key) for label, key in COLUMNS if key in columns)
        super().__init__(
            columns=shown,
            to_row=self._row,
            row_key=lambda d: d.id,
            page_size=page_size,
            id=id,
        )
        self.column_keys = tuple(key for _, key in shown)
        self.markable = "mark" in self.column_keys
        self.marks: set[str] = set()

    def column_width(self, key: str) -> int | None:
        return 1 if key == "mark" else None

    def _row(self, doc: BillingDocument) -> list[Any]:
        state = status(doc.status)
        values: dict[str, Any] = {
            "mark": MARK if doc.id in self.marks else "",
            "type": _TYPE_LABEL[doc.document_type],
            "number": doc.number,
            "status": state,
            "date": day(doc.document_date),
            "account": text_or_dash(doc.account_number or doc.account_id),
            "amount": money(doc.amount, doc.currency),
            "balance": money(doc.balance, doc.currency),
        }
        return [values[key] for key in self.column_keys]

    def set_mark(self, doc_id: str, marked: bool) -> None:
        if marked:
            self.marks.add(doc_id)
        else:
            self.marks.discard(doc_id)
        if self.markable and doc_id in self.rows:
            self.update_cell(doc_id, "mark", MARK if marked else "")
