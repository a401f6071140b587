"""HTTP and WebSocket surface: one routes table (routes.py), pages, the JSON API, sockets."""
