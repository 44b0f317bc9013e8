"""After a publish: the comment files pushed to the site's repository, the build deployed.

For a site on a static host or a CDN (docs/deploy.md). Both steps are jobs of the durable
queue (`moderation.jobs`), recorded with the decision that causes them and retried with
back-off: `gitpush` commits the changed comment files and pushes them ("git-push"),
`command` runs the author's deploy command on the finished build ("deploy"), `process` runs
their child processes with a timeout and logs what they say, and `setup` wires them to the
service from the settings.
"""
