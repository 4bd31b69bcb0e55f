"""The new-bill-run form's pure logic: what was typed (:mod:`state`), the checks before sending
(:mod:`validate`), the ``POST /v1/bill-runs`` request (:mod:`request`), a scheduled run's dates
(:mod:`occurrence`) and the operator's words for all of it (:mod:`describe`)."""
