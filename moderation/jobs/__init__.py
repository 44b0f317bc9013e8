"""Durable later work: jobs recorded with their cause, run and retried by the service.

`model` says what a job is; `runner` runs due jobs and the periodic housekeeping; the SQL
lives in `moderation.store.jobs`. Each kind of work (e-mail, git push, deploy command) brings
its own handler.
"""
