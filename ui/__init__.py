"""The thin layer between the pages and the ``retention`` package: view state in
the URL, cached loading, and the few ways figures are shown."""
