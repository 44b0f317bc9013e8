"""Webmention (W3C Recommendation): a reply written on the commenter's own blog.

`receiver` is the endpoint every article advertises; `verify` fetches the source later
through NetGuard and queues it as a comment; `hentry` reads the source's microformats;
`targets` maps our URLs back to articles; `marks` labels a comment as a Webmention.
"""
