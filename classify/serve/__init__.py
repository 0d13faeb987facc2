"""``classify serve``: the analyst's workbench in a browser, and the JSON API behind it.

Nothing else in the package imports this subpackage (only :mod:`classify.cli`, lazily),
so the web stack (FastAPI, uvicorn) is loaded only by the ``serve`` command.
See :mod:`classify.serve.app` (routes), :mod:`classify.serve.jobs` (background jobs),
:mod:`classify.serve.worker` (one job's process) and ``static/`` (the page).
"""
