"""The REST backend: Zuora's wire protocol over httpx.

Rooms: :mod:`.backend` maps each ``Backend`` method to its endpoint(s); :mod:`.transport` sends
requests (auth headers, retries, idempotency keys, concurrency, deadline, track ids);
:mod:`.auth` caches the OAuth token; :mod:`.envelope` turns responses into models or
``BackendError``; :mod:`.paging` hides both pagination families behind one opaque cursor;
:mod:`.environments` names the tenants' base URLs; :mod:`.secrets` reads the client secret.
"""

from backends.rest.backend import RestBackend
from backends.rest.transport import RequestRecord

__all__ = ["RequestRecord", "RestBackend"]
