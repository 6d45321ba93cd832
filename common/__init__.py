"""What every app shares, and nothing else: the read-only admin, the form that places a
service's errors, one in-process cache with a time limit, month arithmetic. It imports no app
of this project (``make lint`` checks that every import points down)."""
