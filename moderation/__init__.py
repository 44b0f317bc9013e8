"""The comment service: policy checks, queue, intake, moderator tools."""
