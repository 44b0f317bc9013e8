"""Sign in with your blog: IndieAuth, so a commenter proves the blog they name is theirs.

`discovery` finds the blog's authorization endpoint, `flow` runs the sign-in (state, PKCE,
the code exchange, the returned profile URL checked), `proof` signs what the form carries
back, and `routes` are the two HTTP doors. Every request to the blog goes through NetGuard.
"""
