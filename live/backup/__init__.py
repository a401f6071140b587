"""Operations on what the app keeps: `live backup` / `live restore` (the SQLite file) and
`live export` / `live import` (one event, any backend). See docs/deploy.md."""
