"""The comment service over HTTP: intake, status pages, moderator pages."""
