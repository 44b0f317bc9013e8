"""Bringing an old blog home: one reader per source, each streaming its export into common
records (`record`), and the run that maps them to articles, checks and stores them (`run`).

`wordpress` (WXR 1.0–1.2), `blogger` (classic Atom export and Takeout `feed.atom`) and
`disqus` read XML through `xmlstream` (defusedxml, streamed); `jsonfile` reads the project's
own export; `posts` brings WordPress and Blogger posts through Pelican's importer.
docs/import.md is the author's guide.
"""
