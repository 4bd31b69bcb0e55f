"""Reusable widgets: the header, the confirm dialog and the table that pages from the backend."""
