"""Accounts, the tenant's documents, bill run progress and generate by account over Zuora's REST
API: :class:`BillingCalls`, mixed into ``RestBackend``.

Requests per method ("OQ" is Object Query; Zuora's v1 has no list of accounts, invoices or
credit memos across the tenant, nor bill run counts):

===========================  ===================================================================
method                       requests
===========================  ===================================================================
list_accounts                1  ``GET /object-query/accounts?sort[]=accountnumber.ASC
                                &expand[]=billto`` (≤ 99 a page); a search that looks like an
                                account number (a letter, then digits) adds
                                ``filter[]=accountnumber.SW:…``, any other ``filter[]=name.SW:…``
list_documents               2  ``GET /object-query/invoices?sort[]=invoicedate.DESC`` and
                                ``GET /object-query/credit-memos?sort[]=memodate.DESC``, both at
                                once, ``expand[]=account`` (the account number), with
                                ``status.EQ``, ``accountid.EQ`` and date ``GE``/``LE``
                                filters; 1 with a document type. The two are merged by date;
                                a side whose page was not used up is asked for the same page
                                again next time (so a later page may cost up to 2 again)
get_bill_run_progress        4  ``GET /object-query/billing-runs/{id}`` (its number and
                                ``numberOfAccounts``), then its invoices and credit memos
                                (``sourceid.EQ:BR-…``, every page of 99, both at once), then
                                ``GET /object-query/accounts?filter[]=id.IN:[…]`` for the names
                                of the accounts billed (skipped when there are none)
generate_billing_documents   1  ``POST /v1/accounts/{key}/billing-documents/generate``
===========================  ===================================================================

Accounts processed: Zuora reports no progress within a run; while it is Pending or Processing
this counts the accounts with a document so far, after that every account the run selected
(``numberOfAccounts``).
"""

from __future__ import annotations

import asyncio
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from backends.errors import ValidationError
from backends.models import (
    Account,
    BillingDocument,
    BillRunAccount,
    BillRunProgress,
    BillRunStatus,
    CreditMemo,
    DocumentStatus,
    DocumentType,
    GenerateBillingDocumentsRequest,
    GeneratedDocuments,
    Invoice,
    Page,
)
from backends.rest import convert
from backends.rest.envelope import malformed, parse_model, require
from backends.rest.paging import (
    OQ_MAX_PAGE_SIZE,
    PageGuard,
    decode_cursor,
    encode_cursor,
    oq_page_size,
)

if TYPE_CHECKING:
    from backends.rest.transport import Transport

__all__ = ["BillingCalls"]

_SAFE = re.compile(r"[A-Za-z0-9_.\-]+")
_ACCOUNT_NUMBER = re.compile(r"[A-Za-z]+-?\d+")
#: Pages read at most when a call follows ``nextPage`` by itself.


def _safe(value: str) -> str:
    text = value.strip()
    if not _SAFE.fullmatch(text):
        raise ValidationError(f"{value!r} is not a valid key")
    return text


def _search_term(value: str) -> str:
    """A name start for ``name.SW:``: no character that would change the filter."""
    text = value.strip()
    if not text or any(c in text for c in "[],:\n\r\t") or len(text) > 100:
        raise ValidationError(f"{value!r} cannot be searched for: use letters, digits and spaces")
    return text


def _invoice_row(row: dict[str, Any], endpoint: str, i: int) -> BillingDocument:
    invoice = parse_model(Invoice, convert.oq_invoice(row), endpoint, what=f"data[{i}]")
    return BillingDocument(
        document_type=DocumentType.INVOICE,
        id=invoice.id,
        number=invoice.invoice_number,
        account_id=invoice.account_id,
        account_number=invoice.account_number,
        status=invoice.status,
        document_date=invoice.invoice_date,
        currency=invoice.currency,
        amount=invoice.amount,
        balance=invoice.balance,
        bill_run_id=invoice.bill_run_id,
        source_id=invoice.source_id,
    )


def _memo_row(row: dict[str, Any], endpoint: str, i: int) -> BillingDocument:
    memo = parse_model(CreditMemo, convert.oq_credit_memo(row), endpoint, what=f"data[{i}]")
    return BillingDocument(
        document_type=DocumentType.CREDIT_MEMO,
        id=memo.id,
        number=memo.number,
        account_id=memo.account_id,
        account_number=memo.account_number,
        status=memo.status,
        document_date=memo.credit_memo_date,
        currency=memo.currency,
        amount=memo.amount,
        balance=memo.unapplied_amount,
        bill_run_id=memo.bill_run_id,
        source_id=memo.source_id,
    )


#: (path, date field, row parser) per document type
_SIDES = {
    DocumentType.INVOICE: ("/object-query/invoices", "invoicedate", _invoice_row),
    DocumentType.CREDIT_MEMO: ("/object-query/credit-memos", "memodate", _memo_row),
}


class BillingCalls:
    """The methods; ``RestBackend`` provides ``_http``."""

    _http: Transport

    async def _oq_rows(
        self, path: str, params: list[tuple[str, str]]
    ) -> tuple[list[dict[str, Any]], str | None]:
        endpoint = f"GET {path}"
        data = await self._http.request("GET", path, params=params)
        rows = require(data, "data", list, endpoint)
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise malformed(endpoint, f"field data[{i}] should be an object")
        token = data.get("nextPage")
        return rows, token if isinstance(token, str) and token else None

    async def _oq_every(self, path: str, filters: list[str]) -> list[dict[str, Any]]:
        """Every row, under the same bounds as every other listing the backend reads to its
        end (:class:`PageGuard`: a repeated token ends it, too many pages or rows is an error
        naming the endpoint, never a silently cut list)."""
        rows: list[dict[str, Any]] = []
        token: str | None = None
        guard = PageGuard(f"GET {path}")
        while True:
            params = [("pageSize", str(OQ_MAX_PAGE_SIZE)), *[("filter[]", f) for f in filters]]
            if token:
                params.append(("cursor", token))
            page, next_token = await self._oq_rows(path, params)
            rows.extend(page)
            guard.page(len(page))
            token = guard.follow(next_token)
            if token is None:
                return rows

    # ------------------------------------------------------------------ accounts

    async def list_accounts(
        self, *, search: str | None = None, page_size: int = 50, cursor: str | None = None
    ) -> Page[Account]:
        if cursor is not None:
            state = decode_cursor(cursor, "accounts")
            filters, size, token = state.get("f"), state.get("n"), state.get("c")
            if not isinstance(filters, list) or not isinstance(size, int) or not token:
                raise ValidationError("invalid page cursor: start the list again")
        else:
            filters = []
            term = (search or "").strip()
            if term:
                if _ACCOUNT_NUMBER.fullmatch(term):
                    filters.append(f"accountnumber.SW:{_safe(term)}")
                else:
                    filters.append(f"name.SW:{_search_term(term)}")
            size, token = oq_page_size(page_size), None
        params: list[tuple[str, str]] = [
            ("pageSize", str(size)),
            ("sort[]", "accountnumber.ASC"),
            ("expand[]", "billto"),
            *[("filter[]", str(f)) for f in filters],
        ]
        if token:
            params.append(("cursor", str(token)))
        endpoint = "GET /object-query/accounts"
        rows, next_token = await self._oq_rows("/object-query/accounts", params)
        accounts = [
            parse_model(Account, convert.oq_account(row), endpoint, what=f"data[{i}]")
            for i, row in enumerate(rows)
        ]
        following = (
            encode_cursor("accounts", {"f": filters, "n": size, "c": next_token})
            if next_token and next_token != token
            else None
        )
        return Page(items=accounts, next_cursor=following)

    async def generate_billing_documents(
        self, account_key: str, request: GenerateBillingDocumentsRequest
    ) -> GeneratedDocuments:
        key = account_key.strip()
        if not key:
            raise ValidationError("an empty key names no account")
        path = f"/v1/accounts/{quote(key, safe='')}/billing-documents/generate"
        body = convert.drop_nulls(request.to_wire())
        assert isinstance(body, dict)
        if body.get("chargeTypeToExclude") == []:
            del body["chargeTypeToExclude"]
        data = await self._http.request("POST", path, json=body)
        endpoint = f"POST {path}"
        result = GeneratedDocuments()
        for key_name, into in (
            ("invoices", result.invoice_ids),
            ("creditMemos", result.credit_memo_ids),
        ):
            listed = require(data, key_name, list, endpoint, optional=True) or []
            for i, entry in enumerate(listed):
                doc_id = entry.get("id") if isinstance(entry, dict) else None
                if not isinstance(doc_id, str) or not doc_id:
                    raise malformed(endpoint, f"field {key_name}[{i}].id should be a string")
                into.append(doc_id)
        return result

    # ------------------------------------------------------------------ bill run progress

    async def get_bill_run_progress(self, bill_run_id: str) -> BillRunProgress:
        run_id = _safe(bill_run_id)
        path = f"/object-query/billing-runs/{run_id}"
        endpoint = f"GET {path}"
        row = await self._http.request("GET", path)
        number = require(row, "billingRunNumber", str, endpoint)
        status = BillRunStatus(require(row, "status", str, endpoint))
        selected = row.get("numberOfAccounts")
        source = f"sourceid.EQ:{_safe(number)}"
        async with asyncio.TaskGroup() as group:
            invoices_task = group.create_task(self._oq_every("/object-query/invoices", [source]))
            memos_task = group.create_task(self._oq_every("/object-query/credit-memos", [source]))
        docs = [
            _invoice_row(r, "GET /object-query/invoices", i)
            for i, r in enumerate(invoices_task.result())
        ] + [
            _memo_row(r, "GET /object-query/credit-memos", i)
            for i, r in enumerate(memos_task.result())
        ]
        per: dict[str, BillRunAccount] = {}
        totals = {DocumentType.INVOICE: Decimal("0"), DocumentType.CREDIT_MEMO: Decimal("0")}
        counts = {DocumentType.INVOICE: 0, DocumentType.CREDIT_MEMO: 0}
        for doc in docs:
            entry = per.setdefault(doc.account_id, BillRunAccount(account_id=doc.account_id))
            entry.account_number = entry.account_number or doc.account_number
            if doc.status is DocumentStatus.CANCELED:
                continue
            counts[doc.document_type] += 1
            totals[doc.document_type] += doc.amount
            if doc.document_type is DocumentType.INVOICE:
                entry.number_of_invoices += 1
                entry.invoice_total += doc.amount
            else:
                entry.number_of_credit_memos += 1
                entry.credit_memo_total += doc.amount
        if per:
            ids = ",".join(sorted(_safe(a) for a in per))
            for i, raw in enumerate(
                await self._oq_every("/object-query/accounts", [f"id.IN:[{ids}]"])
            ):
                account = parse_model(
                    Account,
                    convert.oq_account(raw),
                    "GET /object-query/accounts",
                    what=f"data[{i}]",
                )
                if account.id in per:
                    per[account.id].account_number = account.account_number
                    per[account.id].account_name = account.name
        finished = status not in {BillRunStatus.PENDING, BillRunStatus.PROCESSING}
        total_accounts = selected if isinstance(selected, int) and finished else len(per)
        return BillRunProgress(
            bill_run_id=run_id,
            status=status,
            number_of_accounts=max(total_accounts, len(per)),
            accounts_processed=max(total_accounts, len(per)) if finished else len(per),
            number_of_invoices=counts[DocumentType.INVOICE],
            number_of_credit_memos=counts[DocumentType.CREDIT_MEMO],
            invoice_total=totals[DocumentType.INVOICE],
            credit_memo_total=totals[DocumentType.CREDIT_MEMO],
            accounts=sorted(per.values(), key=lambda a: a.account_number or a.account_id),
        )

    # ------------------------------------------------------------------ documents

    async def list_documents(
        self,
        *,
        document_type: DocumentType | None = None,
        status: DocumentStatus | None = None,
        account_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        page_size: int = 50,
        cursor: str | None = None,
    ) -> Page[BillingDocument]:
        """The two Object Query lists merged by date; see the module docstring."""
        if cursor is not None:
            state = decode_cursor(cursor, "documents")
        else:
            kinds = [document_type] if document_type is not None else list(_SIDES)
            common: list[str] = []
            if status is not None:
                common.append(f"status.EQ:{DocumentStatus(status).value}")
            if account_id:
                common.append(f"accountid.EQ:{_safe(account_id)}")
            state = {
                "n": oq_page_size(page_size),
                "s": {
                    kind.value: {
                        "f": common
                        + ([f"{_SIDES[kind][1]}.GE:{date_from.isoformat()}"] if date_from else [])
                        + ([f"{_SIDES[kind][1]}.LE:{date_to.isoformat()}"] if date_to else []),
                        "c": None,
                        "skip": 0,
                    }
                    for kind in kinds
                },
            }
        size, sides = state.get("n"), state.get("s")
        if not isinstance(size, int) or not isinstance(sides, dict) or not sides:
            raise ValidationError("invalid page cursor: start the list again")
        kinds = [DocumentType(k) for k in sides]

        async def read(kind: DocumentType) -> tuple[list[BillingDocument], str | None]:
            side = sides[kind.value]
            path, field, parse = _SIDES[kind]
            params: list[tuple[str, str]] = [
                ("pageSize", str(size)),
                ("sort[]", f"{field}.DESC"),
                ("expand[]", "account"),  # the account number, which the row lacks
                *[("filter[]", str(f)) for f in side["f"]],
            ]
            if side["c"]:
                params.append(("cursor", str(side["c"])))
            rows, token = await self._oq_rows(path, params)
            docs = [parse(r, f"GET {path}", i) for i, r in enumerate(rows)]
            return docs[int(side["skip"]) :], token

        async with asyncio.TaskGroup() as group:
            tasks = {kind: group.create_task(read(kind)) for kind in kinds}
        buffers = {kind: tasks[kind].result()[0] for kind in kinds}
        tokens = {kind: tasks[kind].result()[1] for kind in kinds}
        used = dict.fromkeys(kinds, 0)
        page: list[BillingDocument] = []
        while len(page) < size:
            open_sides = [k for k in kinds if used[k] < len(buffers[k])]
            if not open_sides:
                break
            # a side that ran out of its page but has more may hold newer rows: stop there
            if any(used[k] >= len(buffers[k]) and tokens[k] for k in kinds):
                break
            best = max(
                open_sides,
                key=lambda k: (
                    buffers[k][used[k]].document_date,
                    1 if k is DocumentType.INVOICE else 0,
                ),
            )
            page.append(buffers[best][used[best]])
            used[best] += 1
        following: dict[str, Any] = {}
        more = False
        for kind in kinds:
            side = sides[kind.value]
            if used[kind] >= len(buffers[kind]):
                if tokens[kind] and tokens[kind] != side["c"]:
                    following[kind.value] = {"f": side["f"], "c": tokens[kind], "skip": 0}
                    more = True
            else:
                following[kind.value] = {
                    "f": side["f"],
                    "c": side["c"],
                    "skip": int(side["skip"]) + used[kind],
                }
                more = True
        next_cursor = encode_cursor("documents", {"n": size, "s": following}) if more else None
        return Page(items=page, next_cursor=next_cursor)
