"""The HTTP server: the Starlette app, its views and middleware, the response store and reloading."""
