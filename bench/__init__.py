"""Load benchmark: a hall of N phones against the real ASGI server (see bench/README.md)."""
