"""The fake Zuora over HTTP: ``create_app()`` (ASGI), ``FakeServerTransport`` (in process),
and ``billing-tui fake-server`` (uvicorn). See ``app.py`` for the layout."""
