"""The conference report: gathered once from the store (gather), summarised (timeline), drawn
(charts) and written as HTML, Markdown, CSV and the JSON export. Everything but ``gather`` is
pure: the report's data and ``now`` come in as arguments."""
